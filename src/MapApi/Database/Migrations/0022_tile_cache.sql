-- Vector tiles at low zoom cover many features and change rarely: keep them (issue 10). A write to a layer
-- removes exactly the cached tiles whose buffered envelope (the 64/4096 margin the renderer reads) holds the old
-- or the new feature — plus, at an exact edge, the neighbour — at every cached zoom.

-- The highest zoom whose tiles are cached; LayerTiles reads it from here.
CREATE OR REPLACE FUNCTION rm_tile_cache_max_zoom() RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 10 $$;

CREATE TABLE tile_cache (
    layer  text NOT NULL,
    z      smallint NOT NULL,
    x      integer NOT NULL,
    y      integer NOT NULL,
    mvt    bytea NOT NULL,
    PRIMARY KEY (layer, z, x, y)
);

-- Writers and the cache take an advisory lock per layer (class 21580): each write's trigger a shared one, held to
-- its commit; a render that wants to store its tile an exclusive one, tried without waiting before it reads. So a
-- tile is stored only from a snapshot no uncommitted write precedes, and a later write waits for it, then removes it.
CREATE OR REPLACE FUNCTION rm_tile_cache_lock_key(layer_id text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtext(layer_id) $$;

-- The cached tiles (z ≤ rm_tile_cache_max_zoom()) whose buffered envelope may hold geometry g.
CREATE OR REPLACE FUNCTION rm_tile_keys(g geometry) RETURNS TABLE (z integer, x integer, y integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    WITH m AS (SELECT ST_Transform(ST_Envelope(g), 3857) AS box),
    k AS (
        SELECT z, 40075016.68557849 / (1 << z) AS size, (1 << z) AS n,
               ST_XMin(m.box) + 20037508.342789244 AS x0, ST_XMax(m.box) + 20037508.342789244 AS x1,
               20037508.342789244 - ST_YMax(m.box) AS y0, 20037508.342789244 - ST_YMin(m.box) AS y1
        FROM m, generate_series(0, rm_tile_cache_max_zoom()) z)
    SELECT k.z, tx, ty
    FROM k,
         generate_series(greatest(0, floor(k.x0 / k.size - 64.0 / 4096)::int - 1), least(k.n - 1, floor(k.x1 / k.size + 64.0 / 4096)::int)) tx,
         generate_series(greatest(0, floor(k.y0 / k.size - 64.0 / 4096)::int - 1), least(k.n - 1, floor(k.y1 / k.size + 64.0 / 4096)::int)) ty
$$;

CREATE OR REPLACE FUNCTION rm_tile_cache_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE layer_id text := TG_ARGV[0];
BEGIN
    PERFORM pg_advisory_xact_lock_shared(21580, rm_tile_cache_lock_key(layer_id));
    IF NOT EXISTS (SELECT 1 FROM tile_cache WHERE layer = layer_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM tile_cache c USING (SELECT DISTINCT k.* FROM old_rows o, rm_tile_keys(o.geom) k) k
        WHERE c.layer = layer_id AND c.z = k.z AND c.x = k.x AND c.y = k.y;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        DELETE FROM tile_cache c USING (SELECT DISTINCT k.* FROM new_rows n, rm_tile_keys(n.geom) k) k
        WHERE c.layer = layer_id AND c.z = k.z AND c.x = k.x AND c.y = k.y;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE l record;
BEGIN
    FOR l IN SELECT * FROM (VALUES ('teams', 'teams'), ('red-addresses', 'red_sites'), ('hardship-villages', 'hardship_villages'),
                                   ('border-areas', 'border_areas'), ('border-markers', 'border_markers'), ('needs', 'needs'),
                                   ('activities', 'activities')) v(layer, tbl) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_tile_cache_invalidate(%L)',
                       l.tbl || '_tiles_inserted', l.tbl, l.layer);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_tile_cache_invalidate(%L)',
                       l.tbl || '_tiles_updated', l.tbl, l.layer);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_tile_cache_invalidate(%L)',
                       l.tbl || '_tiles_deleted', l.tbl, l.layer);
    END LOOP;
END $$;

-- Truncating a layer empties its tiles too.
CREATE OR REPLACE FUNCTION rm_tile_cache_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(21580, rm_tile_cache_lock_key(TG_ARGV[0]));
    DELETE FROM tile_cache WHERE layer = TG_ARGV[0];
    RETURN NULL;
END $$;
DO $$
DECLARE l record;
BEGIN
    FOR l IN SELECT * FROM (VALUES ('teams', 'teams'), ('red-addresses', 'red_sites'), ('hardship-villages', 'hardship_villages'),
                                   ('border-areas', 'border_areas'), ('border-markers', 'border_markers'), ('needs', 'needs'),
                                   ('activities', 'activities')) v(layer, tbl) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION rm_tile_cache_truncated(%L)',
                       l.tbl || '_tiles_truncated', l.tbl, l.layer);
    END LOOP;
END $$;
