-- One definition per rule (issue 10): Vietnam's date, a team's reach in metres, "a team reaches this place"
-- and the match score each live in one function that every statement calls. Matching at national scale
-- reads availability from the team row and finds candidates through GiST indexes on each team's own reach box.

-- The calendar day in Vietnam of an instant; rm_today() is the day of now().
CREATE OR REPLACE FUNCTION rm_local_date(at timestamptz) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE STRICT
AS $$ SELECT (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date $$;

CREATE OR REPLACE FUNCTION rm_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT rm_local_date(now()) $$;

-- A team's reach in metres: its service radius, or for a service-area team the geodesic length of the
-- longest line from its base to its area, if that is larger (0 when it declares neither).
CREATE OR REPLACE FUNCTION rm_team_reach_m(team_geom geometry, radius_m integer, area geometry) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT greatest(coalesce(radius_m, 0)::float8,
                    CASE WHEN area IS NULL THEN 0 ELSE ST_Length(ST_LongestLine(team_geom, area)::geography) END)
$$;

-- A team reaches a place when the place lies within its service radius (metres on the ellipsoid) or inside its
-- service area. NULL (never true) when it declares neither. Index pre-filters elsewhere are only necessary conditions.
CREATE OR REPLACE FUNCTION rm_team_reaches(team_geom geometry, radius_m integer, area geometry, place geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (radius_m IS NOT NULL AND ST_DWithin(team_geom::geography, place::geography, radius_m))
           OR ST_Covers(area, place)
$$;

-- The match score (0–100, 2 decimals) — the only place the weights live; docs/needs-and-matching.md and the
-- API's score_formula state the same formula:
--   100 × (0.35·D + 0.30·S + 0.20·C + 0.15·L)
--   D = max(0, 1 − distance_m / reach_m); S = skills covered / skills asked (1 if none asked);
--   C = min(free_capacity, volunteers) / volunteers; L = 0.5·min(days since last assignment, 90)/90 + 0.5/(1 + recent),
--   never assigned = 90 days.
CREATE OR REPLACE FUNCTION rm_match_score(distance_m float8, reach_m float8, skills_covered integer, skills_asked integer,
                                          free_capacity integer, volunteers integer, days_since integer, recent integer) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT round((100 * (
             0.35 * CASE WHEN reach_m > 0 THEN greatest(0, 1 - distance_m / reach_m) ELSE 0 END
           + 0.30 * CASE WHEN skills_asked = 0 THEN 1.0 ELSE skills_covered::float8 / skills_asked END
           + 0.20 * (least(greatest(free_capacity, 0), greatest(volunteers, 1))::float8 / greatest(volunteers, 1))
           + 0.15 * (0.5 * least(coalesce(days_since, 90), 90) / 90.0 + 0.5 / (1 + recent))))::numeric, 2)::float8
$$;

-- Days since a team's last assignment, counted in Vietnam's calendar days (NULL = never assigned).
CREATE OR REPLACE FUNCTION rm_days_since(at timestamptz) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE STRICT
AS $$ SELECT greatest(0, rm_today() - rm_local_date(at)) $$;

-- A box (degrees) that holds every point within radius_m / divisor metres of team_geom on the ellipsoid:
-- 1° of latitude is at least 110,574 m; 1° of longitude at least 111,319 m·cos(φ) at the box's farthest latitude φ;
-- 1% margin. A team with a service area keeps its whole radius at every divisor (its reach may exceed its radius).
CREATE OR REPLACE FUNCTION rm_reach_box(team_geom geometry, radius_m integer, has_area boolean, divisor integer) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT ST_Expand(team_geom,
                     CASE WHEN abs(ST_Y(team_geom)) + r.dlat >= 89 THEN 360
                          ELSE r.m * 1.01 / (111319.0 * cos(radians(abs(ST_Y(team_geom)) + r.dlat))) END,
                     r.dlat)
    FROM (SELECT radius_m::float8 / CASE WHEN has_area THEN 1 ELSE divisor END AS m,
                 radius_m::float8 / CASE WHEN has_area THEN 1 ELSE divisor END * 1.01 / 110574.0 AS dlat) r
$$;

-- The levels of the exact top-k search (MatchingQueries): teams whose shrunken reach box holds the place.
CREATE INDEX teams_reach_box_8_gix ON teams USING gist (rm_reach_box(geom, service_radius_m, service_area IS NOT NULL, 8))
    WHERE status = 'active' AND service_radius_m IS NOT NULL;
CREATE INDEX teams_reach_box_4_gix ON teams USING gist (rm_reach_box(geom, service_radius_m, service_area IS NOT NULL, 4))
    WHERE status = 'active' AND service_radius_m IS NOT NULL;
CREATE INDEX teams_reach_box_2_gix ON teams USING gist (rm_reach_box(geom, service_radius_m, service_area IS NOT NULL, 2))
    WHERE status = 'active' AND service_radius_m IS NOT NULL;
CREATE INDEX teams_reach_box_1_gix ON teams USING gist (rm_reach_box(geom, service_radius_m, service_area IS NOT NULL, 1))
    WHERE status = 'active' AND service_radius_m IS NOT NULL;
CREATE INDEX teams_active_service_area_gix ON teams USING gist (service_area) WHERE status = 'active' AND service_area IS NOT NULL;

-- A team's declared availability, adjacent periods merged, kept on its row for matching (team_availability
-- stays the record; statement-level triggers keep this copy in step).
ALTER TABLE teams ADD COLUMN availability datemultirange NOT NULL DEFAULT '{}';
UPDATE teams t SET availability = coalesce((SELECT range_agg(a.period) FROM team_availability a WHERE a.team_id = t.id), '{}');

CREATE OR REPLACE FUNCTION rm_refresh_team_availability(team_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE teams t SET availability = coalesce((SELECT range_agg(a.period) FROM team_availability a WHERE a.team_id = t.id), '{}')
    WHERE t.id = ANY(team_ids)
$$;

CREATE OR REPLACE FUNCTION rm_team_availability_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rm_refresh_team_availability(ARRAY(SELECT DISTINCT team_id FROM new_rows));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION rm_team_availability_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rm_refresh_team_availability(ARRAY(SELECT DISTINCT team_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION rm_team_availability_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rm_refresh_team_availability(ARRAY(SELECT team_id FROM new_rows UNION SELECT team_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER team_availability_inserted AFTER INSERT ON team_availability
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_team_availability_inserted();
CREATE TRIGGER team_availability_deleted AFTER DELETE ON team_availability
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_team_availability_deleted();
CREATE TRIGGER team_availability_updated AFTER UPDATE ON team_availability
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_team_availability_updated();
