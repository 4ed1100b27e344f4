-- Village coverage at national scale (issue 10). The planning endpoints counted, for every hardship village, the
-- active teams that reach it (rm_team_reaches) on every request: 25 s for coverage and 3.7 s for the summary over
-- 13,222 villages and only 20,000 teams, so an anonymous planner got 503. The count is now kept per village in
-- village_reach, changed by statement-level triggers: a team written adds itself to (or takes itself from) the
-- villages it reaches, before and after the write; a village placed or moved is counted afresh.

CREATE TABLE village_reach (
    village_id     bigint PRIMARY KEY,
    teams_in_reach integer NOT NULL CHECK (teams_in_reach >= 0)
);
CREATE INDEX village_reach_uncovered_ix ON village_reach (village_id) WHERE teams_in_reach = 0;

-- Active teams that reach a place: the teams whose whole reach box (rm_reach_box, divisor 1) or service area holds it,
-- decided by rm_team_reaches (the access path of MatchingQueries.TeamsNear at divisor 1, as one bitmap scan of both
-- partial indexes: each team is read once, no union of ids to join back).
CREATE FUNCTION rm_teams_in_reach(place geometry) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM teams t
    WHERE t.status = 'active'
      AND ((t.service_radius_m IS NOT NULL AND rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, 1) && place)
           OR (t.service_area IS NOT NULL AND ST_Covers(t.service_area, place)))
      AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, place)
$$;

-- Team writes: each active team removed (old row) counts −1 and each active team added (new row) +1 at every village
-- it reaches; an update that leaves place, status, radius and service area alone changes nothing. Writers take one
-- advisory lock (class 21582) in turn, so a village counted afresh sees every earlier writer's committed teams.
CREATE FUNCTION rm_village_reach_teams_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21582, 0);
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE village_reach SET teams_in_reach = 0 WHERE teams_in_reach <> 0;
        RETURN NULL;
    END IF;
    EXECUTE format($f$
        WITH o AS (SELECT * FROM %1$s), n AS (SELECT * FROM %2$s),
        changes AS (
            SELECT o.geom, o.service_radius_m, o.service_area, -1 AS sign
            FROM o LEFT JOIN n ON n.id = o.id
            WHERE o.status = 'active'
              AND (n.id IS NULL OR n.status <> 'active' OR n.geom IS DISTINCT FROM o.geom
                   OR n.service_radius_m IS DISTINCT FROM o.service_radius_m OR n.service_area IS DISTINCT FROM o.service_area)
            UNION ALL
            SELECT n.geom, n.service_radius_m, n.service_area, 1
            FROM n LEFT JOIN o ON o.id = n.id
            WHERE n.status = 'active'
              AND (o.id IS NULL OR o.status <> 'active' OR n.geom IS DISTINCT FROM o.geom
                   OR n.service_radius_m IS DISTINCT FROM o.service_radius_m OR n.service_area IS DISTINCT FROM o.service_area)),
        -- The villages each change may reach: inside its reach box, or else inside its service area's box (two index
        -- lookups, no village twice), then rm_team_reaches decides.
        reached AS (
            SELECT v.id, c.sign FROM changes c
            JOIN hardship_villages v ON v.geom && rm_reach_box(c.geom, c.service_radius_m, c.service_area IS NOT NULL, 1)
            WHERE c.service_radius_m IS NOT NULL AND rm_team_reaches(c.geom, c.service_radius_m, c.service_area, v.geom)
            UNION ALL
            SELECT v.id, c.sign FROM changes c
            JOIN hardship_villages v ON v.geom && c.service_area
            WHERE c.service_area IS NOT NULL
              AND NOT (c.service_radius_m IS NOT NULL AND v.geom && rm_reach_box(c.geom, c.service_radius_m, true, 1))
              AND rm_team_reaches(c.geom, c.service_radius_m, c.service_area, v.geom)),
        delta AS (SELECT id, sum(sign) AS d FROM reached GROUP BY id HAVING sum(sign) <> 0)
        UPDATE village_reach r SET teams_in_reach = r.teams_in_reach + delta.d FROM delta WHERE r.village_id = delta.id $f$,
        CASE WHEN TG_OP = 'INSERT' THEN '(SELECT * FROM new_rows LIMIT 0) x' ELSE 'old_rows' END,
        CASE WHEN TG_OP = 'DELETE' THEN '(SELECT * FROM old_rows LIMIT 0) x' ELSE 'new_rows' END);
    RETURN NULL;
END $$;

CREATE TRIGGER teams_village_reach_inserted AFTER INSERT ON teams
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_teams_changed();
CREATE TRIGGER teams_village_reach_updated AFTER UPDATE ON teams
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_teams_changed();
CREATE TRIGGER teams_village_reach_deleted AFTER DELETE ON teams
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_teams_changed();
CREATE TRIGGER teams_village_reach_truncated AFTER TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_teams_changed();

-- Village writes: a new or moved village is counted afresh; a removed one leaves.
CREATE FUNCTION rm_village_reach_villages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21582, 0);
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM village_reach;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO village_reach (village_id, teams_in_reach) SELECT n.id, rm_teams_in_reach(n.geom) FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE village_reach r SET teams_in_reach = rm_teams_in_reach(n.geom)
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE r.village_id = n.id AND n.geom IS DISTINCT FROM o.geom;
    ELSE
        DELETE FROM village_reach r USING old_rows o WHERE r.village_id = o.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER hardship_villages_reach_inserted AFTER INSERT ON hardship_villages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_villages_changed();
CREATE TRIGGER hardship_villages_reach_updated AFTER UPDATE ON hardship_villages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_villages_changed();
CREATE TRIGGER hardship_villages_reach_deleted AFTER DELETE ON hardship_villages
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_villages_changed();
CREATE TRIGGER hardship_villages_reach_truncated AFTER TRUNCATE ON hardship_villages
    FOR EACH STATEMENT EXECUTE FUNCTION rm_village_reach_villages_changed();

INSERT INTO village_reach (village_id, teams_in_reach) SELECT v.id, rm_teams_in_reach(v.geom) FROM hardship_villages v;
