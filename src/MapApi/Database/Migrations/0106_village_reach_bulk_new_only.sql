-- Villages placed in bulk (0100) counted the teams in reach of every village in the table, not only of the new ones,
-- then kept the new ones' counts: 1,000 villages added beside the 13,222 of a national list, among 1,000,000 teams,
-- decided ~54 million team–village pairs instead of ~4 million (531 s). The new rows are copied to a temporary table
-- with a GiST index, and the same two lookups (reach box, else service area), decided by rm_team_reaches, run
-- against it alone. PlanningEquivalenceTests checks the counts after such an insert.
CREATE OR REPLACE FUNCTION rm_village_reach_villages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21582, 0);
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM village_reach;
    ELSIF TG_OP = 'INSERT' THEN
        -- (new_rows exists only in the INSERT and UPDATE triggers: it is counted inside this branch.)
        IF (SELECT count(*) FROM new_rows) > 200 THEN
            INSERT INTO village_reach (village_id, teams_in_reach) SELECT n.id, 0 FROM new_rows n;
            -- A transition table has no index; the teams probe this copy of the new villages instead of the whole table.
            DROP TABLE IF EXISTS rm_new_villages;
            CREATE TEMPORARY TABLE rm_new_villages ON COMMIT DROP AS SELECT n.id, n.geom FROM new_rows n;
            CREATE INDEX ON rm_new_villages USING gist (geom);
            ANALYZE rm_new_villages;
            WITH reached AS (
                SELECT v.id FROM teams t
                JOIN rm_new_villages v ON v.geom && rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, 1)
                WHERE t.status = 'active' AND t.service_radius_m IS NOT NULL
                  AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)
                UNION ALL
                SELECT v.id FROM teams t
                JOIN rm_new_villages v ON v.geom && t.service_area
                WHERE t.status = 'active' AND t.service_area IS NOT NULL
                  AND NOT (t.service_radius_m IS NOT NULL AND v.geom && rm_reach_box(t.geom, t.service_radius_m, true, 1))
                  AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)),
            counted AS (SELECT r.id, count(*) AS n FROM reached r GROUP BY r.id)
            UPDATE village_reach vr SET teams_in_reach = c.n FROM counted c WHERE vr.village_id = c.id;
            DROP TABLE rm_new_villages;
        ELSE
            INSERT INTO village_reach (village_id, teams_in_reach) SELECT n.id, rm_teams_in_reach(n.geom) FROM new_rows n;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE village_reach r SET teams_in_reach = rm_teams_in_reach(n.geom)
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE r.village_id = n.id AND n.geom IS DISTINCT FROM o.geom;
    ELSE
        DELETE FROM village_reach r USING old_rows o WHERE r.village_id = o.id;
    END IF;
    RETURN NULL;
END $$;
