using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Matching;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Matching;

/// <summary>
/// Generated teams (dense, with duplicates that tie, service areas, load and commitments) in a database of their own:
/// the exact top-k by levels must return exactly what the pre-issue-10 SQL returned, for every need and parameter set.
/// </summary>
public sealed class MatchingEquivalenceTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("rm_match_eq");
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        await using var command = conn.Command(Generate);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    /// <summary>3,000 teams around two towns 60 km apart, 100 needs between and around them.</summary>
    const string Generate = """
        SELECT setseed(0.42);
        INSERT INTO data_sources (id, title, licence, accuracy, is_sample) VALUES ('gen', 'Generated test data', 'n/a', 'synthetic', true);
        INSERT INTO skills (code, label_vi, label_en) SELECT s, s, s FROM unnest(ARRAY['a','b','c','d','e']) s;
        ALTER TABLE teams DISABLE TRIGGER teams_admin_names;
        ALTER TABLE needs DISABLE TRIGGER needs_admin_names;
        INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, last_assigned_at, geom, source_id, is_sample)
        SELECT 'T' || g, 'team', 'U',
               ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[(ARRAY['a','b','c','d','e'])[1 + g % 5], (ARRAY['a','b','c','d','e'])[1 + (g / 5) % 5]]) x),
               1 + (random() * 20)::int,
               CASE WHEN random() < 0.93 THEN 'active' ELSE 'inactive' END,
               CASE WHEN g % 97 = 0 THEN NULL ELSE 2000 + (random() * 78000)::int END,
               CASE WHEN random() < 0.5 THEN NULL ELSE now() - random() * interval '150 days' END,
               ST_SetSRID(ST_MakePoint(108.0 + (g % 2) * 0.55 + (random() - 0.5) * 0.5, 15.5 + (random() - 0.5) * 0.5), 4326), 'gen', true
        FROM generate_series(1, 3000) g;
        -- Twins: the same place and terms as another team, so scores and distances tie and the id decides.
        INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, last_assigned_at, geom, source_id, is_sample)
        SELECT name || ' twin', team_type, parent_unit, skills, capacity, status, service_radius_m, last_assigned_at, geom, source_id, is_sample
        FROM teams WHERE id % 10 = 0;
        -- Service areas: some with a radius too, some without (reach = farthest point of the area).
        UPDATE teams SET service_area = ST_Multi(ST_Buffer(geom, 0.05 + random() * 0.25, 8)) WHERE id % 53 = 0;
        INSERT INTO team_availability (team_id, period)
        SELECT id, daterange(rm_today() - 10, rm_today() + 20 + (random() * 40)::int, '[]') FROM teams WHERE random() < 0.9;
        INSERT INTO team_availability (team_id, period)   -- a second, adjacent period for some: merged by the availability rule
        SELECT t.id, daterange(upper(a.period), upper(a.period) + 30, '[)') FROM teams t JOIN team_availability a ON a.team_id = t.id WHERE t.id % 3 = 0;
        INSERT INTO needs (title, category, required_skills, volunteers_needed, window_start, window_end, public_summary, geom, source_id, is_sample)
        SELECT 'N' || g, 'gen',
               CASE WHEN g % 7 = 0 THEN '{}' ELSE ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[(ARRAY['a','b','c','d','e'])[1 + g % 5], (ARRAY['a','b','c','d','e'])[1 + (g * 3) % 5], (ARRAY['a','b','c','d','e'])[1 + (g / 3) % 5]]) x) END,
               1 + g % 12, rm_today() + g % 25, rm_today() + g % 25 + g % 9, 'gen',
               ST_SetSRID(ST_MakePoint(107.6 + random() * 1.4, 15.1 + random() * 0.8), 4326), 'gen', true
        FROM generate_series(1, 100) g;
        -- Commitments (free capacity) and accepted work in the last 90 days (load).
        -- Within the booking invariants (migration 0004): a team books at most its capacity, and a need's live
        -- bookings stay within volunteers_needed (later ones are generated as declined).
        WITH picked AS (
            SELECT 1 + (t.id % 100) AS need_id, t.id AS team_id, least(1 + (random() * 5)::int, t.capacity) AS volunteers,
                   daterange(rm_today() + (random() * 30)::int, rm_today() + 35, '[]') AS period,
                   (ARRAY['proposed','accepted','declined'])[1 + t.id % 3] AS status
            FROM teams t WHERE random() < 0.3 AND t.capacity > 0),
        ranked AS (
            SELECT p.*, n.volunteers_needed,
                   sum(p.volunteers) FILTER (WHERE p.status <> 'declined') OVER (PARTITION BY p.need_id ORDER BY p.team_id) AS running
            FROM picked p JOIN needs n ON n.id = p.need_id)
        INSERT INTO assignments (need_id, team_id, volunteers, period, status, proposed_by, decided_at)
        SELECT need_id, team_id, volunteers, period,
               CASE WHEN status <> 'declined' AND running > volunteers_needed THEN 'declined' ELSE status END,
               'gen', now() - random() * interval '120 days'
        FROM ranked;
        ANALYZE;
        """;

    public static TheoryData<int, double, int> Parameters => new()
    {
        { 10, 0, 0 },      // the default: the need's own volunteers, any coverage
        { 1, 0, 1 },       // one volunteer
        { 3, 1, 0 },       // all skills required
        { 50, 0.5, 20 },   // a long list, many volunteers (capacity decides)
        { 100, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public async Task Top_k_by_levels_returns_exactly_the_old_ranking(int limit, double minCoverage, int volunteers)
    {
        await using var conn = await db.OpenConnectionAsync();
        var needs = new List<(long Id, MatchingApi.MatchQuery Query)>();
        await using (var r = await conn.Command("SELECT id, ST_X(geom), ST_Y(geom), required_skills, window_start, window_end, volunteers_needed FROM needs ORDER BY id")
                         .ExecuteReaderAsync())
            while (await r.ReadAsync())
                needs.Add((r.GetInt64(0), new MatchingApi.MatchQuery(r.GetDouble(1), r.GetDouble(2), r.GetFieldValue<string[]>(3),
                    r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5), volunteers == 0 ? r.GetInt32(6) : volunteers, minCoverage, limit,
                    r.GetInt64(0) % 4 == 0 ? r.GetInt64(0) : null)));

        var nonEmpty = 0;
        var ties = 0;
        foreach (var (id, q) in needs)
        {
            var expected = await MatchingApi.RunAsync(conn, OldMatchingSql.Match, q, default);
            var actual = await MatchingApi.RankAsync(conn, q, default);
            var unindexed = await MatchingApi.RunAsync(conn, MatchingQueries.Unindexed, q, default);
            Assert.True(expected.SequenceEqual(actual, MatchComparer.Instance), $"need {id}: levels ranking differs from the old one\n" +
                $"old: {string.Join(", ", expected.Select(m => $"{m.TeamId}:{m.Score}"))}\nnew: {string.Join(", ", actual.Select(m => $"{m.TeamId}:{m.Score}"))}");
            Assert.True(expected.SequenceEqual(unindexed, MatchComparer.Instance), $"need {id}: the unindexed ranking differs from the old one");
            if (actual.Count > 0) nonEmpty++;
            ties += actual.Zip(actual.Skip(1)).Count(p => p.First.Score == p.Second.Score);
        }
        // The data must exercise the ranking: most needs have candidates, and equal scores occur.
        Assert.True(nonEmpty >= 40, $"only {nonEmpty} needs had candidates");
        if (limit >= 10) Assert.True(ties > 0, "no tied scores: the tie-break was not exercised");
    }

    [Fact]
    public async Task Levels_stop_early_for_most_needs_and_service_area_teams_take_part()
    {
        await using var conn = await db.OpenConnectionAsync();
        var early = 0;
        await using var r0 = await conn.Command("SELECT ST_X(geom), ST_Y(geom), required_skills, window_start, window_end, volunteers_needed FROM needs ORDER BY id").ExecuteReaderAsync();
        var queries = new List<MatchingApi.MatchQuery>();
        while (await r0.ReadAsync())
            queries.Add(new(r0.GetDouble(0), r0.GetDouble(1), r0.GetFieldValue<string[]>(2), r0.GetFieldValue<DateOnly>(3), r0.GetFieldValue<DateOnly>(4), 1, 0, 10, null));
        await r0.DisposeAsync();
        var stoodAt = new Dictionary<int, int>();
        foreach (var q in queries)
        {
            var (_, divisor) = await MatchingApi.RankByLevelsAsync(conn, q, default);
            stoodAt[divisor] = stoodAt.GetValueOrDefault(divisor) + 1;
            if (divisor > 1) early++;
        }
        // The rings (levels after the first) must be exercised too: some answers stand at a level after the first.
        Assert.True(stoodAt.Where(l => l.Key is > 1 and < 16).Sum(l => l.Value) > 0,
            $"no answer stood at a ring level: {string.Join(", ", stoodAt.Select(l => $"1/{l.Key}: {l.Value}"))}");
        // Not a timing test: a level short of the whole reach must often suffice, or the levels buy nothing.
        Assert.True(early >= 30, $"a shrunken level sufficed for only {early} of {queries.Count} needs");
        var areaTeams = await conn.Command("SELECT count(*) FROM teams WHERE service_area IS NOT NULL AND status = 'active'").ExecuteScalarAsync();
        Assert.True((long)areaTeams! > 30);
    }

    /// <summary>
    /// Migration 0105 rewrote rm_reach_box as one inlinable expression and kept the indexes built with 0020's form: the
    /// boxes must be byte-identical, for radii from 1 m to 500 km, every divisor, with and without a service area, from
    /// the equator to the pole (where the box spans every longitude).
    /// </summary>
    [Fact]
    public async Task The_inlined_reach_box_is_byte_identical_to_the_one_the_indexes_were_built_with()
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var command = conn.Command("""
            WITH places AS (
                SELECT ST_SetSRID(ST_MakePoint(-180 + random() * 360, -89.9 + random() * 179.8), 4326) AS geom,
                       (1 + random() * 500000)::int AS radius_m, random() < 0.2 AS has_area, d AS divisor
                FROM generate_series(1, 4000) g, unnest(ARRAY[1, 2, 4, 8, 16]) d),
            boxes AS (
                SELECT rm_reach_box(p.geom, p.radius_m, p.has_area, p.divisor) AS inlined,
                       -- 0020's body, as it was written.
                       (SELECT public.ST_Expand(p.geom,
                                   CASE WHEN abs(public.ST_Y(p.geom)) + r.dlat >= 89 THEN 360
                                        ELSE r.m * 1.01 / (111319.0 * cos(radians(abs(public.ST_Y(p.geom)) + r.dlat))) END,
                                   r.dlat)
                        FROM (SELECT p.radius_m::float8 / CASE WHEN p.has_area THEN 1 ELSE p.divisor END AS m,
                                     p.radius_m::float8 / CASE WHEN p.has_area THEN 1 ELSE p.divisor END * 1.01 / 110574.0 AS dlat) r) AS original
                FROM places p)
            SELECT count(*), count(*) FILTER (WHERE ST_AsBinary(inlined) IS DISTINCT FROM ST_AsBinary(original)),
                   count(*) FILTER (WHERE ST_XMax(original) - ST_XMin(original) >= 720)
            FROM boxes
            """);
        await using var r = await command.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Equal(20000, r.GetInt64(0));
        Assert.Equal(0, r.GetInt64(1));
        Assert.True(r.GetInt64(2) > 0, "no box reached the pole branch");
        // And the planner inlines it now: no call of the function remains in the plan.
        await r.DisposeAsync();
        var plan = new List<string>();
        await using (var e = await conn.Command("EXPLAIN (VERBOSE) SELECT rm_reach_box(geom, service_radius_m, false, 8) FROM teams").ExecuteReaderAsync())
            while (await e.ReadAsync()) plan.Add(e.GetString(0));
        Assert.Contains(plan, line => line.Contains("st_expand"));
        Assert.DoesNotContain(plan, line => line.Contains("rm_reach_box"));
    }

    /// <summary>
    /// The ranking's per-team terms are inlined by the planner: rm_days_since since 0108, rm_team_reaches since the place
    /// is bound once. A call left in the plan runs as a query of its own for every candidate (18 % of matching's time).
    /// </summary>
    [Fact]
    public async Task The_rankings_score_terms_are_inlined_and_days_since_keeps_its_null()
    {
        await using var conn = await db.OpenConnectionAsync();
        // As the API runs it: prepared, with its generic plan, where the place is an expression over parameters (a custom
        // plan folds it into a constant, and any function taking it is inlined).
        string[] names = ["exclude_need", "min_coverage", "volunteers", "skills", "limit", "from", "lon", "lat", "to"];
        string[] types = ["bigint", "float8", "int", "text[]", "int", "date", "float8", "float8", "date"];
        var positional = MatchingQueries.Unindexed;
        for (var i = 0; i < names.Length; i++) positional = positional.Replace("@" + names[i], "$" + (i + 1));
        await conn.Command($"PREPARE ranking({string.Join(", ", types)}) AS {positional}").ExecuteNonQueryAsync();
        await conn.Command("SET plan_cache_mode = force_generic_plan").ExecuteNonQueryAsync();
        var plan = new List<string>();
        await using (var e = conn.Command("EXPLAIN (VERBOSE) EXECUTE ranking(NULL, 0, 1, '{a}', 10, '2026-12-07', 108.2, 16.0, '2026-12-08')"))
        await using (var r = await e.ExecuteReaderAsync())
            while (await r.ReadAsync()) plan.Add(r.GetString(0));
        Assert.Contains(plan, line => line.Contains("$7"));   // the generic plan, with the parameters left as they are
        Assert.Contains(plan, line => line.Contains("st_dwithin"));
        Assert.DoesNotContain(plan, line => line.Contains("rm_team_reaches") || line.Contains("rm_days_since"));

        await using var days = conn.Command("""
            SELECT rm_days_since(NULL) IS NULL, rm_days_since(now() - interval '3 days'), rm_days_since(now() + interval '2 days')
            """);
        await using var d = await days.ExecuteReaderAsync();
        await d.ReadAsync();
        Assert.True(d.GetBoolean(0));
        Assert.Equal(3, d.GetInt32(1));
        Assert.Equal(0, d.GetInt32(2));
    }

    sealed class MatchComparer : IEqualityComparer<MatchingApi.Match>
    {
        public static readonly MatchComparer Instance = new();
        public bool Equals(MatchingApi.Match? x, MatchingApi.Match? y) => x is not null && y is not null &&
            x with { SkillsCovered = Array.Empty<string>(), SkillsMissing = Array.Empty<string>() } == y with { SkillsCovered = Array.Empty<string>(), SkillsMissing = Array.Empty<string>() } &&
            x.SkillsCovered.SequenceEqual(y.SkillsCovered) && x.SkillsMissing.SequenceEqual(y.SkillsMissing);
        public int GetHashCode(MatchingApi.Match m) => m.TeamId.GetHashCode();
    }
}
