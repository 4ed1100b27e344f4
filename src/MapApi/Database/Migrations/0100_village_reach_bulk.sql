-- Many villages placed by one statement (the national list of 13,222 imported where a million teams are already
-- mapped) were counted one by one: a probe of the reach indexes per village, about 180 ms where 18,000 teams cover
-- the point, so over 38 minutes in all. Past 200 villages, the active teams are read once instead and each counts
-- itself at the new villages it reaches: the team trigger's two lookups (reach box, else service area), decided by
-- rm_team_reaches, so the counts are the ones rm_teams_in_reach gives.
CREATE OR REPLACE FUNCTION rm_village_reach_villages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21582, 0);
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM village_reach;
    ELSIF TG_OP = 'INSERT' THEN
        -- (new_rows exists only in the INSERT and UPDATE triggers: it is counted inside this branch.)
        IF (SELECT count(*) FROM new_rows) > 200 THEN
            INSERT INTO village_reach (village_id, teams_in_reach) SELECT n.id, 0 FROM new_rows n;
            WITH reached AS (
                SELECT v.id FROM teams t
                JOIN hardship_villages v ON v.geom && rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, 1)
                WHERE t.status = 'active' AND t.service_radius_m IS NOT NULL
                  AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)
                UNION ALL
                SELECT v.id FROM teams t
                JOIN hardship_villages v ON v.geom && t.service_area
                WHERE t.status = 'active' AND t.service_area IS NOT NULL
                  AND NOT (t.service_radius_m IS NOT NULL AND v.geom && rm_reach_box(t.geom, t.service_radius_m, true, 1))
                  AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, v.geom)),
            counted AS (SELECT r.id, count(*) AS n FROM reached r JOIN new_rows n ON n.id = r.id GROUP BY r.id)
            UPDATE village_reach vr SET teams_in_reach = c.n FROM counted c WHERE vr.village_id = c.id;
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
