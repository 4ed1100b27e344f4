-- Villages placed in bulk (0100) counted the teams in reach of every village in the table, not only of the new ones,
-- then kept the new ones' counts: 1,000 villages added beside the 13,222 of a national list, among 1,000,000 teams,
-- decided the pairs of all 14,222 (531 s for a spread-out thousand last session). The new rows are copied to a temporary table
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
            -- (Dropped at the end of this branch; an error before that rolls its creation back.)
            CREATE TEMPORARY TABLE rm_new_villages ON COMMIT DROP AS SELECT n.id, n.geom FROM new_rows n;
            CREATE INDEX ON rm_new_villages USING gist (geom);
            ANALYZE rm_new_villages;
            WITH reached AS (
                SELECT v.id FROM teams t
                -- "+ 0": not the expression of teams_reach_box_1_gix, so the teams are read once in order and each probes
                -- the new villages' index (probing the teams' index per village fetched a team row per pair: 97 s → 30 s
                -- for 1,000 villages in dense provinces, 23.6 million pairs, at 1,000,000 teams).
                JOIN rm_new_villages v ON v.geom && rm_reach_box(t.geom, t.service_radius_m + 0, t.service_area IS NOT NULL, 1)
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
END $$
-- The pairs are grouped by the new villages (a few thousand groups): the planner, which cannot know how many pairs
-- there are, sorted 23.6 million of them on disk instead of hashing.
SET enable_sort = off;
