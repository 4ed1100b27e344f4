-- Communes and wards in force since 1 July 2025 (3,321, district level abolished). No polygon of them exists
-- offline: such a commune is a named unit of its province until a boundary is imported, so geom may be NULL.
-- Spatial questions (point in unit, admin filter, coordinator scope) simply find no polygon for it; its name
-- still reaches search through records that name its code (below).
ALTER TABLE admin_units ALTER COLUMN geom DROP NOT NULL;

-- Place names for search: the units whose polygon holds the record (as before), plus a unit without a polygon
-- that the record names by code (admin_code), e.g. a team imported with only "Phường Bàn Thạch" as its place.
-- Two index-friendly halves, not one OR, so the GiST index on admin_units.geom is still used.
CREATE OR REPLACE FUNCTION rm_admin_names_for(g geometry, unit_code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT string_agg(DISTINCT n, ' ') FROM (
        SELECT a.name FROM admin_units a WHERE a.level <> 'country' AND ST_Intersects(a.geom, g)
        UNION ALL
        SELECT a.name FROM admin_units a WHERE a.geom IS NULL AND a.code = unit_code) x(n)
$$;

CREATE OR REPLACE FUNCTION rm_set_admin_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.admin_names := rm_admin_names_for(NEW.geom, NEW.admin_code);
    RETURN NEW;
END $$;

-- The names now depend on admin_code too: re-derive them when it changes, not only when geom does.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'red_sites', 'hardship_villages', 'border_areas', 'border_markers', 'needs', 'activities'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_admin_names', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF geom, admin_code ON %I FOR EACH ROW EXECUTE FUNCTION rm_set_admin_names()', t || '_admin_names', t);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION rm_refresh_admin_names() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'red_sites', 'hardship_villages', 'border_areas', 'border_markers', 'needs', 'activities'] LOOP
        EXECUTE format('UPDATE %I x SET admin_names = rm_admin_names_for(x.geom, x.admin_code)', t);
    END LOOP;
END $$;

-- Codes are looked up alone (rm_admin_unit_version, the names above); with 3,321 more units that is worth an index.
CREATE INDEX IF NOT EXISTS admin_units_code_ix ON admin_units (code);
