using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Matching;

/// <summary>
/// Ranking volunteer teams for a place, a set of skills and a date window.
///
/// One definition per rule, in SQL (migration 0020): the score is rm_match_score (the only place the weights live),
/// "a team reaches this place" is rm_team_reaches, a team's reach in metres is rm_team_reach_m, Vietnam's date is
/// rm_today()/rm_days_since. <see cref="ScoreFormula"/> states the same formula for the API and the docs.
///
/// Candidates: active teams that reach the place, have at least one of the skills asked (and at least min_coverage of
/// them), whose declared availability (teams.availability, adjacent periods merged, kept by trigger) covers the whole
/// window, and that have at least one free place in it.
///
/// Exact top-k by levels: level n scores only the teams whose reach box shrunk to 1/n of their radius
/// holds the place (GiST index teams_reach_box_n_gix; service-area teams are always in), so every team outside it has
/// D &lt; 1 − 1/n and a score of at most rm_match_score at D = 1 − 1/n with S = C = L = 1. When the level's k-th score
/// is strictly above that bound no team outside can enter the top k (nor tie it), and the level's answer is the
/// answer; otherwise the next level (n = 16, 8, 4, 2, 1) is tried. Level 1 holds every team that reaches the place.
/// A level after the first scores only its ring (the teams in its box and not in the previous level's) together with
/// the previous level's top k: the top k of a union is the top k of the parts' top k.
/// All levels are one statement (<see cref="Ranking"/>): each level is a CTE, and PostgreSQL computes a CTE only when
/// a later part reads it, so the levels after the one that stands are never run.
/// </summary>
public static class MatchingQueries
{
    public const string ScoreFormula =
        "score = 100 × (0.35·D + 0.30·S + 0.20·C + 0.15·L), where D = max(0, 1 − distance_m / reach_m) (reach_m = service radius, " +
        "or the farthest point of the service area); S = skills covered / skills asked (1 if none asked); C = min(free_capacity, volunteers) / volunteers " +
        "(free_capacity = capacity − volunteers of overlapping proposed/accepted assignments); L = 0.5·min(days since last assignment, 90)/90 + " +
        "0.5/(1 + accepted assignments in the last 90 days), never assigned = 90 days. Ties: nearer first, then lower team id.";

    const string Point = "ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)";

    /// <summary>The shrink divisors of the levels, tried in this order; the last (1) is the team's whole reach.</summary>
    public static readonly int[] LevelDivisors = [16, 8, 4, 2, 1];

    /// <summary>
    /// The active teams t that may reach <paramref name="place"/> with D ≥ 1 − 1/divisor: those whose reach box shrunk to
    /// 1/divisor holds it (teams_reach_box_{divisor}_gix) and the service-area teams whose area holds it. A necessary
    /// condition only; rm_team_reaches decides. As one condition (not ids looked up again) PostgreSQL reads both indexes
    /// into one bitmap and fetches each row once. Planning keeps its counts with the same lookup at divisor 1
    /// (rm_teams_in_reach and the village_reach triggers, migration 0099; PlanningEquivalenceTests compares them).
    /// </summary>
    public static string NearCondition(string place, int divisor) => $"""
        ((t.status = 'active' AND t.service_radius_m IS NOT NULL
          AND rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, {divisor}) && {place})
         OR (t.status = 'active' AND t.service_area IS NOT NULL AND ST_Covers(t.service_area, {place})))
        """;

    /// <summary>
    /// A later level's teams: those in its box and not in the previous level's, plus the previous level's top k.
    /// A service-area team is only ever in the first level: its box keeps its whole radius at every divisor, and its area
    /// is looked up there.
    /// </summary>
    static string RingCondition(int divisor, int previous) => $"""
        ((t.status = 'active' AND t.service_radius_m IS NOT NULL
          AND rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, {divisor}) && {Point}
          AND NOT (rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, {previous}) && {Point}))
         OR t.id = ANY(ARRAY(SELECT id FROM level_{previous})))
        """;

    /// <summary>
    /// The per-team terms for the teams t meeting {0} that reach the place and are available for the whole window. The
    /// place is bound once (here, kept a subquery by OFFSET 0): passed as an expression, rm_team_reaches, which reads it
    /// twice, is not inlined and runs as a query of its own for every team.
    /// </summary>
    const string RankTemplate = """
        WITH candidates AS MATERIALIZED (
            SELECT t.id, t.name, t.team_type, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.capacity,
                   ST_Distance(t.geom::geography, here.geog) AS distance_m,
                   rm_team_reach_m(t.geom, t.service_radius_m, t.service_area) AS reach_m,
                   ARRAY(SELECT s FROM unnest(@skills::text[]) s WHERE s = ANY(t.skills) ORDER BY s) AS covered,
                   ARRAY(SELECT s FROM unnest(@skills::text[]) s WHERE s <> ALL(t.skills) ORDER BY s) AS missing,
                   t.capacity - coalesce((SELECT sum(a.volunteers) FROM assignments a
                                          WHERE a.team_id = t.id AND a.status IN ('proposed', 'accepted')
                                            AND a.period && daterange(@from, @to, '[]')), 0)::int AS free_capacity,
                   rm_days_since(t.last_assigned_at) AS days_since,
                   (SELECT count(*) FROM assignments a WHERE a.team_id = t.id AND a.status = 'accepted'
                                                        AND a.decided_at > now() - interval '90 days')::int AS recent
            FROM teams t, (SELECT p AS place, p::geography AS geog FROM (SELECT {1} AS p) x OFFSET 0) here
            WHERE {0}
              AND t.status = 'active'
              AND (cardinality(@skills::text[]) = 0 OR t.skills && @skills::text[])
              AND t.availability @> daterange(@from, @to, '[]')
              AND rm_team_reaches(t.geom, t.service_radius_m, t.service_area, here.place)
              AND (@exclude_need::bigint IS NULL OR NOT EXISTS (
                    SELECT 1 FROM assignments x WHERE x.need_id = @exclude_need::bigint AND x.team_id = t.id AND x.status IN ('proposed', 'accepted')))
        )
        SELECT id, name, team_type, lon, lat, distance_m, reach_m, covered, missing, s AS skill_coverage,
               free_capacity, capacity, days_since, recent,
               rm_match_score(distance_m, reach_m, cardinality(covered), cardinality(@skills::text[]), free_capacity, @volunteers,
                              days_since, recent) AS score
        FROM (SELECT x.*, CASE WHEN cardinality(@skills::text[]) = 0 THEN 1.0
                               ELSE cardinality(x.covered)::float8 / cardinality(@skills::text[]) END AS s
              FROM candidates x) c
        WHERE free_capacity > 0 AND s >= @min_coverage
        ORDER BY score DESC, distance_m, id
        LIMIT @limit
        """;

    static string Rank(string teams) => string.Format(System.Globalization.CultureInfo.InvariantCulture, RankTemplate, teams, Point);

    /// <summary>
    /// The served ranking in one statement: level_16 … level_1 (see the class summary), then the first level whose answer
    /// stands (k teams, the k-th score above the bound, rm_match_score at D = 1 − 1/n with S = C = L = 1, so the weights
    /// stay in one place), and that level's rows with its divisor as the last column. "First" is Append running UNION ALL's
    /// branches in order until LIMIT 1 has its row; every level that stands holds the same exact top k, so that order
    /// decides the cost, never the answer. Run with its generic plan:
    /// PostgreSQL planned a custom one on every call (1.1–1.8 ms of a level's 1.5–6 ms at 100,000 teams, server log).
    /// </summary>
    public static readonly string Ranking = Database.WithGenericPlan(RankingSql());

    static string RankingSql()
    {
        var levels = LevelDivisors.Select((n, i) =>
            $"level_{n} AS MATERIALIZED (\n{Rank(i == 0 ? NearCondition(Point, n) : RingCondition(n, LevelDivisors[i - 1]))}\n)");
        var stands = LevelDivisors.SkipLast(1).Select(n =>
            $"SELECT {n} AS n FROM level_{n} HAVING count(*) = @limit AND min(score) > rm_match_score(1, {n}, 1, 1, 1, 1, 90, 0)");
        var rows = LevelDivisors.Select(n => $"SELECT level_{n}.*, {n} AS divisor FROM level_{n} WHERE (SELECT n FROM stood) = {n}");
        return $"""
            WITH {string.Join(",\n", levels)},
            stood AS (
                SELECT n FROM ({string.Join("\n    UNION ALL ", stands)}
                               UNION ALL SELECT 1) s
                LIMIT 1
            )
            {string.Join("\nUNION ALL ", rows)}
            ORDER BY score DESC, distance_m, id
            """;
    }

    /// <summary>The same ranking over every active team, no index pre-filter (the benchmark's "naive full scan"; never served).</summary>
    public static readonly string Unindexed = Rank("t.status = 'active'");

    /// <summary>For scale in the benchmark: the bare index lookup of the active teams whose whole reach box holds the place.</summary>
    public static readonly string ReachBoxLookup = $"""
        SELECT count(*) FROM teams t
        WHERE t.status = 'active' AND t.service_radius_m IS NOT NULL
          AND rm_reach_box(t.geom, t.service_radius_m, t.service_area IS NOT NULL, 1) && {Point}
        """;

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
                   rm_team_reach_m(t.geom, t.service_radius_m, t.service_area) AS reach_m,
                   rm_days_since(t.last_assigned_at) AS days_since,
                   (SELECT count(*) FROM assignments a WHERE a.team_id = t.id AND a.status = 'accepted'
                                                        AND a.decided_at > now() - interval '90 days')::int AS recent
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
                   team.availability @> daterange(n.window_start, n.window_end, '[]') AS available,
                   team.days_since, team.recent
            FROM needs n, team
            WHERE n.status IN ('open', 'proposed')
              AND n.window_end >= rm_today()
              -- index pre-filter (needs_geog_gix, needs_geom_cover_gix); rm_team_reaches decides
              AND (ST_DWithin(n.geom::geography, team.geog, coalesce(team.service_radius_m, 0)) OR ST_Covers(team.service_area, n.geom))
              AND rm_team_reaches(team.geom, team.service_radius_m, team.service_area, n.geom)
              AND (cardinality(n.required_skills) = 0 OR n.required_skills && team.skills)
              AND NOT EXISTS (SELECT 1 FROM assignments x WHERE x.need_id = n.id AND x.team_id = team.id AND x.status IN ('proposed', 'accepted'))
        )
        SELECT m.*,
               -- C is 0 when the team has not declared itself available for the need's whole window.
               rm_match_score(m.distance_m, m.reach_m, cardinality(m.covered), cardinality(m.required_skills),
                              CASE WHEN m.available THEN m.free_capacity ELSE 0 END, m.still_needed, m.days_since, m.recent) AS score
        FROM (
            SELECT x.*,
                   CASE WHEN cardinality(x.required_skills) = 0 THEN 1.0
                        ELSE cardinality(x.covered)::float8 / cardinality(x.required_skills) END AS s
            FROM candidates x) m
        WHERE m.still_needed > 0
        ORDER BY score DESC, array_position(ARRAY['urgent', 'high', 'normal', 'low'], m.priority), distance_m, id
        LIMIT @limit
        """;
}
