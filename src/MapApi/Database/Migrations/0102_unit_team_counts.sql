-- The planning summary counted each unit's teams on every request: a point-in-polygon test for every team in the
-- unit, which at a million teams is every team in the country for a summary by province. The counts are now kept per
-- admin unit (of every era and level but the country) in admin_unit_teams, changed by statement-level triggers: a
-- team written takes itself from the units holding its old place and adds itself to those holding its new one (only
-- when place, status or capacity change); a unit drawn or redrawn is counted afresh. "Holding" is ST_Intersects, as
-- the summary had it, so a team on a shared boundary counts in both units.

CREATE TABLE admin_unit_teams (
    unit_id         bigint PRIMARY KEY,
    teams           integer NOT NULL CHECK (teams >= 0),
    active_teams    integer NOT NULL CHECK (active_teams >= 0),
    active_capacity bigint  NOT NULL CHECK (active_capacity >= 0)
);

INSERT INTO admin_unit_teams (unit_id, teams, active_teams, active_capacity)
SELECT a.id, count(*), count(*) FILTER (WHERE t.status = 'active'), coalesce(sum(t.capacity) FILTER (WHERE t.status = 'active'), 0)
FROM admin_units a JOIN teams t ON ST_Intersects(a.geom, t.geom)
WHERE a.level <> 'country'
GROUP BY a.id;

-- Team writes. Writers take one advisory lock (class 21583) in turn, so a unit counted afresh sees every earlier
-- writer's committed teams, and the same unit rows are always changed in one order.
CREATE FUNCTION rm_unit_teams_teams_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21583, 0);
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM admin_unit_teams;
        RETURN NULL;
    END IF;
    EXECUTE format($f$
        WITH o AS (SELECT * FROM %1$s), n AS (SELECT * FROM %2$s),
        changes AS (
            SELECT o.geom, -1 AS sign, (o.status = 'active')::int AS active, o.capacity
            FROM o LEFT JOIN n ON n.id = o.id
            WHERE n.id IS NULL OR n.geom IS DISTINCT FROM o.geom OR n.status IS DISTINCT FROM o.status OR n.capacity IS DISTINCT FROM o.capacity
            UNION ALL
            SELECT n.geom, 1, (n.status = 'active')::int, n.capacity
            FROM n LEFT JOIN o ON o.id = n.id
            WHERE o.id IS NULL OR n.geom IS DISTINCT FROM o.geom OR n.status IS DISTINCT FROM o.status OR n.capacity IS DISTINCT FROM o.capacity),
        delta AS (
            SELECT a.id, sum(c.sign) AS teams, sum(c.sign * c.active) AS active_teams, sum(c.sign * c.active * c.capacity) AS active_capacity
            FROM changes c JOIN admin_units a ON ST_Intersects(a.geom, c.geom)
            WHERE a.level <> 'country'
            GROUP BY a.id
            HAVING sum(c.sign) <> 0 OR sum(c.sign * c.active) <> 0 OR sum(c.sign * c.active * c.capacity) <> 0),
        -- Not INSERT … ON CONFLICT: the CHECKs would refuse the negative delta itself before the conflict is seen.
        updated AS (
            UPDATE admin_unit_teams u SET teams = u.teams + d.teams, active_teams = u.active_teams + d.active_teams,
                active_capacity = u.active_capacity + d.active_capacity
            FROM delta d WHERE u.unit_id = d.id
            RETURNING u.unit_id)
        INSERT INTO admin_unit_teams (unit_id, teams, active_teams, active_capacity)
        SELECT d.id, d.teams, d.active_teams, d.active_capacity FROM delta d
        WHERE NOT EXISTS (SELECT 1 FROM updated WHERE updated.unit_id = d.id) $f$,
        CASE WHEN TG_OP = 'INSERT' THEN '(SELECT * FROM new_rows LIMIT 0) x' ELSE 'old_rows' END,
        CASE WHEN TG_OP = 'DELETE' THEN '(SELECT * FROM old_rows LIMIT 0) x' ELSE 'new_rows' END);
    RETURN NULL;
END $$;

CREATE TRIGGER teams_unit_teams_inserted AFTER INSERT ON teams
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_teams_changed();
CREATE TRIGGER teams_unit_teams_updated AFTER UPDATE ON teams
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_teams_changed();
CREATE TRIGGER teams_unit_teams_deleted AFTER DELETE ON teams
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_teams_changed();
CREATE TRIGGER teams_unit_teams_truncated AFTER TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_teams_changed();

-- Unit writes: a unit inserted, or whose polygon or level changed, is counted afresh; a removed one leaves.
CREATE FUNCTION rm_unit_teams_units_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21583, 0);
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM admin_unit_teams;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM admin_unit_teams u USING old_rows o WHERE u.unit_id = o.id;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM admin_unit_teams u USING old_rows o JOIN new_rows n ON n.id = o.id
        WHERE u.unit_id = o.id AND (n.geom IS DISTINCT FROM o.geom OR n.level IS DISTINCT FROM o.level);
        INSERT INTO admin_unit_teams (unit_id, teams, active_teams, active_capacity)
        SELECT n.id, count(*), count(*) FILTER (WHERE t.status = 'active'), coalesce(sum(t.capacity) FILTER (WHERE t.status = 'active'), 0)
        FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN teams t ON ST_Intersects(n.geom, t.geom)
        WHERE n.level <> 'country' AND (n.geom IS DISTINCT FROM o.geom OR n.level IS DISTINCT FROM o.level)
        GROUP BY n.id;
    ELSE
        INSERT INTO admin_unit_teams (unit_id, teams, active_teams, active_capacity)
        SELECT n.id, count(*), count(*) FILTER (WHERE t.status = 'active'), coalesce(sum(t.capacity) FILTER (WHERE t.status = 'active'), 0)
        FROM new_rows n JOIN teams t ON ST_Intersects(n.geom, t.geom)
        WHERE n.level <> 'country'
        GROUP BY n.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER admin_units_unit_teams_inserted AFTER INSERT ON admin_units
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_units_changed();
CREATE TRIGGER admin_units_unit_teams_updated AFTER UPDATE ON admin_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_units_changed();
CREATE TRIGGER admin_units_unit_teams_deleted AFTER DELETE ON admin_units
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_units_changed();
CREATE TRIGGER admin_units_unit_teams_truncated AFTER TRUNCATE ON admin_units
    FOR EACH STATEMENT EXECUTE FUNCTION rm_unit_teams_units_changed();
