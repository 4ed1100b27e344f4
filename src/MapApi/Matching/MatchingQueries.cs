namespace ResourceMap.Api.Matching;

/// <summary>
/// Ranking volunteer teams for a place, a set of skills and a date window.
///
/// Score (0–100, higher is better; ties by distance, then team id):
///   score = 100 × (0.35·D + 0.30·S + 0.20·C + 0.15·L)
///   D (distance relative to reach) = max(0, 1 − distance_m / reach_m), reach_m = the team's service_radius_m,
///       or for a service-area team the geodesic length of the longest line from its base to its area, if larger;
///   S (skill coverage)             = skills asked that the team has / skills asked (1 when none are asked);
///   C (free capacity)              = min(free_capacity, volunteers) / volunteers, where free_capacity = capacity −
///       volunteers held by its proposed/accepted assignments whose windows overlap this window;
///   L (load spreading)             = 0.5 · min(days since last assignment, 90) / 90 + 0.5 / (1 + accepted assignments
///       in the last 90 days); a team never assigned counts as 90 days.
///
/// Candidates: active teams whose reach covers the place — ST_DWithin on geography with the team's own radius,
/// or ST_Covers of its service area — that have at least one of the skills asked (and at least min_coverage of them),
/// whose declared availability (team_availability, adjacent periods merged) covers the whole window, and that have
/// at least one free place in it.
///
/// Index use: ST_DWithin(t.geom::geography, point, max_reach) with max_reach = the largest radius any active team
/// declares (capped at 500 km) is the pre-filter the teams_geog_gix GiST index answers; the per-team radius is then
/// checked on that small set with ST_Distance on the ellipsoid, computed once per team. Service areas are found
/// through teams_service_area_gix (ST_Covers). KNN (&lt;-&gt;) is not used: the order is by score, not by distance,
/// so an index-ordered scan could not stop early.
/// </summary>
public static class MatchingQueries
{
    public const string ScoreFormula =
        "score = 100 × (0.35·D + 0.30·S + 0.20·C + 0.15·L), where D = max(0, 1 − distance_m / reach_m) (reach_m = service radius, " +
        "or the farthest point of the service area); S = skills covered / skills asked (1 if none asked); C = min(free_capacity, volunteers) / volunteers " +
        "(free_capacity = capacity − volunteers of overlapping proposed/accepted assignments); L = 0.5·min(days since last assignment, 90)/90 + " +
        "0.5/(1 + accepted assignments in the last 90 days), never assigned = 90 days. Ties: nearer first, then lower team id.";

    const string Point = "ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)";

    /// <summary>
    /// The index pre-filter. ST_DWithin on geography is answered by teams_geog_gix (geog &amp;&amp; _ST_Expand(point, r)); the
    /// radius is the largest any active team declares, capped at 500 km. The coarse cut uses sphere arithmetic
    /// (use_spheroid =&gt; false: ~8× cheaper per row here) widened by 1% to cover the sphere/ellipsoid gap (&lt; 0.5%);
    /// the exact per-team reach test below is on the ellipsoid.
    /// </summary>
    const string PreFilter = $"""
        ST_DWithin(t.geom::geography, {Point}::geography,
                   (SELECT least(500000, coalesce(max(r.service_radius_m), 0)) * 1.01 FROM teams r WHERE r.status = 'active'),
                   false)
        """;

    /// <summary>
    /// Teams that reach the place, with their ellipsoidal distance computed once (MATERIALIZED keeps PostgreSQL
    /// from recomputing it in the score and the sort). {0} is the pre-filter, or TRUE for the naive scan.
    /// </summary>
    const string InReach = $$"""
        reachable AS MATERIALIZED (
            SELECT t.id, t.service_radius_m, ST_Distance(t.geom::geography, {{Point}}::geography) AS distance_m
            FROM teams t
            WHERE {0}
              AND t.service_radius_m IS NOT NULL
              -- cheap sphere gate (1% margin) so the ellipsoidal distance is computed only near the team's own radius
              AND ST_DWithin(t.geom::geography, {{Point}}::geography, t.service_radius_m * 1.01, false)
              AND t.status = 'active'
              AND (cardinality(@skills::text[]) = 0 OR t.skills && @skills::text[])
        ),
        in_reach AS (
            SELECT id, distance_m FROM reachable WHERE distance_m <= service_radius_m
            UNION
            SELECT t.id, ST_Distance(t.geom::geography, {{Point}}::geography)
            FROM teams t
            WHERE t.service_area IS NOT NULL AND ST_Covers(t.service_area, {{Point}})
              AND t.status = 'active'
              AND (cardinality(@skills::text[]) = 0 OR t.skills && @skills::text[])
        ),
        """;

    /// <summary>The per-team terms for the teams in reach that are available for the whole window.</summary>
    const string Candidates = """
        candidates AS (
            SELECT t.id, t.name, t.team_type, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.capacity, r.distance_m,
                   greatest(coalesce(t.service_radius_m, 0)::float8,
                            CASE WHEN t.service_area IS NULL THEN 0
                                 ELSE ST_Length(ST_LongestLine(t.geom, t.service_area)::geography) END) AS reach_m,
                   ARRAY(SELECT s FROM unnest(@skills::text[]) s WHERE s = ANY(t.skills) ORDER BY s) AS covered,
                   ARRAY(SELECT s FROM unnest(@skills::text[]) s WHERE s <> ALL(t.skills) ORDER BY s) AS missing,
                   t.capacity - coalesce((SELECT sum(a.volunteers) FROM assignments a
                                          WHERE a.team_id = t.id AND a.status IN ('proposed', 'accepted')
                                            AND a.period && daterange(@from, @to, '[]')), 0)::int AS free_capacity,
                   CASE WHEN t.last_assigned_at IS NOT NULL THEN greatest(0, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - (t.last_assigned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) END AS days_since,
                   (SELECT count(*) FROM assignments a WHERE a.team_id = t.id AND a.status = 'accepted'
                                                        AND a.decided_at > now() - interval '90 days')::int AS recent
            FROM in_reach r JOIN teams t ON t.id = r.id
            WHERE (SELECT range_agg(av.period) FROM team_availability av WHERE av.team_id = t.id) @> daterange(@from, @to, '[]')
              AND (@exclude_need::bigint IS NULL OR NOT EXISTS (
                    SELECT 1 FROM assignments x WHERE x.need_id = @exclude_need::bigint AND x.team_id = t.id AND x.status IN ('proposed', 'accepted')))
        ),
        """;

    const string Score = """
        scored AS (
            SELECT m.*, round((100 * (0.35 * m.d + 0.30 * m.s + 0.20 * m.c + 0.15 * m.l))::numeric, 2)::float8 AS score
            FROM (
                SELECT x.*,
                       CASE WHEN x.reach_m > 0 THEN greatest(0, 1 - x.distance_m / x.reach_m) ELSE 0 END AS d,
                       CASE WHEN cardinality(@skills::text[]) = 0 THEN 1.0
                            ELSE cardinality(x.covered)::float8 / cardinality(@skills::text[]) END AS s,
                       least(greatest(x.free_capacity, 0), greatest(@volunteers, 1))::float8 / greatest(@volunteers, 1) AS c,
                       0.5 * least(coalesce(x.days_since, 90), 90) / 90.0 + 0.5 / (1 + x.recent) AS l
                FROM candidates x) m
        )
        SELECT id, name, team_type, lon, lat, distance_m, reach_m, covered, missing, s AS skill_coverage,
               free_capacity, capacity, days_since, recent, score
        FROM scored
        WHERE free_capacity > 0 AND s >= @min_coverage
        ORDER BY score DESC, distance_m, id
        LIMIT @limit
        """;

    /// <summary>The matching query served by the API: index pre-filter, exact reach, availability, capacity, score.</summary>
    public static readonly string Match = "WITH " + string.Format(System.Globalization.CultureInfo.InvariantCulture, InReach, PreFilter) + Candidates + Score;

    /// <summary>
    /// The same ranking without the index pre-filter: every active team's ellipsoidal distance is computed
    /// (the benchmark's "naive full scan"; never served).
    /// </summary>
    public static readonly string NaiveMatch = "WITH " + string.Format(System.Globalization.CultureInfo.InvariantCulture, InReach, "TRUE") + Candidates + Score;

    public const string NeedForMatching = """
        SELECT ST_X(n.geom), ST_Y(n.geom), n.required_skills, n.window_start, n.window_end, n.volunteers_needed,
               n.volunteers_needed - coalesce((SELECT sum(a.volunteers) FROM assignments a
                                               WHERE a.need_id = n.id AND a.status IN ('proposed', 'accepted')), 0)::int,
               n.status
        FROM needs n WHERE n.id = @id
        """;

    public const string KnownSkills = "SELECT coalesce(array_agg(code), '{}') FROM skills";

    /// <summary>
    /// Open or proposed needs a team could serve: inside its reach (radius on geography or its service area), asking for
    /// at least one of its skills (or none), not yet over, not already holding this team. Same score terms from the team's side;
    /// C is 0 when the team has not declared itself available for the need's whole window.
    /// </summary>
    public const string NearbyNeeds = """
        WITH team AS (
            SELECT t.*, t.geom::geography AS geog,
                   greatest(coalesce(t.service_radius_m, 0)::float8,
                            CASE WHEN t.service_area IS NULL THEN 0
                                 ELSE ST_Length(ST_LongestLine(t.geom, t.service_area)::geography) END) AS reach_m,
                   CASE WHEN t.last_assigned_at IS NOT NULL THEN greatest(0, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - (t.last_assigned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) END AS days_since,
                   (SELECT count(*) FROM assignments a WHERE a.team_id = t.id AND a.status = 'accepted'
                                                        AND a.decided_at > now() - interval '90 days')::int AS recent,
                   (SELECT range_agg(av.period) FROM team_availability av WHERE av.team_id = t.id) AS availability
            FROM teams t WHERE t.id = @team_id
        ),
        candidates AS (
            SELECT n.id, n.title, n.category, n.priority, n.status, n.window_start, n.window_end, n.required_skills,
                   ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat,
                   ST_Distance(n.geom::geography, team.geog) AS distance_m, team.reach_m,
                   ARRAY(SELECT s FROM unnest(n.required_skills) s WHERE s = ANY(team.skills) ORDER BY s) AS covered,
                   ARRAY(SELECT s FROM unnest(n.required_skills) s WHERE s <> ALL(team.skills) ORDER BY s) AS missing,
                   n.volunteers_needed - coalesce((SELECT sum(a.volunteers) FROM assignments a
                        WHERE a.need_id = n.id AND a.status IN ('proposed', 'accepted')), 0)::int AS still_needed,
                   team.capacity - coalesce((SELECT sum(a.volunteers) FROM assignments a
                        WHERE a.team_id = team.id AND a.status IN ('proposed', 'accepted')
                          AND a.period && daterange(n.window_start, n.window_end, '[]')), 0)::int AS free_capacity,
                   coalesce(team.availability @> daterange(n.window_start, n.window_end, '[]'), false) AS available,
                   team.days_since, team.recent
            FROM needs n, team
            WHERE n.status IN ('open', 'proposed')
              AND n.window_end >= rm_today()
              AND ((team.service_radius_m IS NOT NULL AND ST_DWithin(n.geom::geography, team.geog, team.service_radius_m))
                   OR (team.service_area IS NOT NULL AND ST_Covers(team.service_area, n.geom)))
              AND (cardinality(n.required_skills) = 0 OR n.required_skills && team.skills)
              AND NOT EXISTS (SELECT 1 FROM assignments x WHERE x.need_id = n.id AND x.team_id = team.id AND x.status IN ('proposed', 'accepted'))
        )
        SELECT m.*, round((100 * (0.35 * m.d + 0.30 * m.s + 0.20 * m.c + 0.15 * m.l))::numeric, 2)::float8 AS score
        FROM (
            SELECT x.*,
                   CASE WHEN x.reach_m > 0 THEN greatest(0, 1 - x.distance_m / x.reach_m) ELSE 0 END AS d,
                   CASE WHEN cardinality(x.required_skills) = 0 THEN 1.0
                        ELSE cardinality(x.covered)::float8 / cardinality(x.required_skills) END AS s,
                   CASE WHEN NOT x.available OR x.still_needed <= 0 THEN 0
                        ELSE least(greatest(x.free_capacity, 0), x.still_needed)::float8 / x.still_needed END AS c,
                   0.5 * least(coalesce(x.days_since, 90), 90) / 90.0 + 0.5 / (1 + x.recent) AS l
            FROM candidates x) m
        WHERE m.still_needed > 0
        ORDER BY score DESC, array_position(ARRAY['urgent', 'high', 'normal', 'low'], m.priority), distance_m, id
        LIMIT @limit
        """;
}
