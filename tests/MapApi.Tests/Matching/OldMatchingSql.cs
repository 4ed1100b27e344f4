namespace ResourceMap.Tests.Matching;

/// <summary>
/// The matching SQL as served before issue 10 (max-radius pre-filter, range_agg availability, inline score), kept
/// only here so the equivalence test can compare the exact top-k by levels against it.
/// </summary>
public static class OldMatchingSql
{
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

}
