using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Api.Search;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Search;

/// <summary>
/// Search can use the trigram indexes. PostgreSQL's indexes answer LIKE ANY but never LIKE ALL, so "every word"
/// written as LIKE ALL was a sequential scan at any size (300–470 ms per search group at 100,000 teams). The plans are
/// read with sequential scans priced out: an index the statement can use then shows; one it cannot, never does.
/// </summary>
public sealed class SearchIndexUseTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    async Task<string> PlanAsync(string sql, params (string, object?)[] parameters)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using (var off = conn.Command("SET enable_seqscan = off")) await off.ExecuteNonQueryAsync();
        await using var explain = conn.Command("EXPLAIN " + sql, parameters);
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    [Theory]
    [InlineData("doi tinh nguyen quang nam 12")]
    [InlineData("cu chi")]
    public async Task A_search_group_reads_names_and_texts_through_their_trigram_indexes(string q)
    {
        var teams = LayerCatalog.Find("teams")!;
        var plan = await PlanAsync(SearchQueries.Layer(teams), SearchQueries.Parameters(q, 0, 5, "teams"));
        Assert.Contains("teams_name_fold_trgm", plan);
        Assert.Contains("teams_search_trgm", plan);
    }

    [Fact]
    public async Task LIKE_ALL_alone_has_no_index_to_use()
    {
        // Why the search spells the words out: the same condition as LIKE ALL has no index path, even with sequential
        // scans priced out. (A layer's q= filter keeps LIKE ALL on purpose: its page in id order walks ids; LayerQueries.)
        var control = await PlanAsync("SELECT t.id FROM teams t WHERE t.search_text LIKE ALL (rm_like_patterns(@q))", ("q", "tinh nguyen"));
        Assert.DoesNotContain("teams_search_trgm", control);
        var spelled = await PlanAsync($"SELECT t.id FROM teams t WHERE {SearchQueries.LikeEveryWord("t.search_text", "rm_like_words(@q)")}", ("q", "tinh nguyen"));
        Assert.Contains("teams_search_trgm", spelled);
    }

    [Fact]
    public async Task Words_under_three_letters_search_the_units_not_every_name()
    {
        var teams = LayerCatalog.Find("teams")!;
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command(SearchQueries.Layer(teams), SearchQueries.Parameters("ha gi", 0, 5, "teams"));
        var answer = System.Text.Json.Nodes.JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)!;
        Assert.Equal(0, answer["total"]!.GetValue<long>());
        // … although names hold both fragments: reading them all is what the rule saves.
        await using (var fragments = conn.Command("SELECT count(*) FROM teams t WHERE rm_fold(t.name) LIKE ALL (rm_like_patterns(@q))", ("q", "ha gi")))
            Assert.True((long)(await fragments.ExecuteScalarAsync())! > 0, "no team name holds 'ha' and 'gi': the test shows nothing");
        // The admin units are still searched for it ("ha gi" starts Hà Giang and its districts).
        await using var units = conn.Command(SearchQueries.AdminUnits, SearchQueries.Parameters("ha gi", 0, 5, "admin-units"));
        var unitAnswer = System.Text.Json.Nodes.JsonNode.Parse((string)(await units.ExecuteScalarAsync())!)!;
        Assert.True(unitAnswer["total"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task An_exact_name_leads_even_among_more_candidates_than_the_cap()
    {
        // 1,100 names hold "tinh nguyen" (past the 1,000-candidate cap of the word sources), then one is exactly it.
        await using (var conn = await app.Sql.OpenConnectionAsync())
        await using (var insert = conn.Command("""
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, geom, source_id, is_sample)
            SELECT CASE WHEN g <= 1100 THEN 'Đội hình tình nguyện số ' || g ELSE 'Tình nguyện' END, 'club', 'Đoàn thử', ARRAY['first-aid'], 5, 'active',
                   ST_SetSRID(ST_MakePoint(106 + g % 50 * 0.01, 21 + g / 50 * 0.01), 4326), (SELECT id FROM data_sources ORDER BY id LIMIT 1), true
            FROM generate_series(1, 1101) g
            """))
            await insert.ExecuteNonQueryAsync();
        var response = await app.CreateClient().GetAsync("/api/search?q=tinh+nguyen&group=teams&limit=3");
        var results = (await response.ReadJsonAsync())["groups"]![0]!["results"]!.AsArray();
        Assert.Equal("Tình nguyện", results[0]!["name"]!.GetValue<string>());
        Assert.Equal("exact", results[0]!["match"]!.GetValue<string>());
        // And the plan reads the name keys through their byte-order btrees.
        var teams = LayerCatalog.Find("teams")!;
        var plan = await PlanAsync(SearchQueries.Layer(teams), SearchQueries.Parameters("tinh nguyen", 0, 5, "teams"));
        // … as a range (an Index Cond), not a walk of the whole index filtered row by row (1.2 s at 100,000 teams).
        Assert.Matches(@"Index (Only )?Scan using teams_name_key_ix[^\n]*\n\s*Index Cond: ", plan);
        Assert.Matches(@"Index (Only )?Scan using teams_name_core_ix[^\n]*\n\s*Index Cond: ", plan);
    }

    [Fact]
    public async Task Words_in_most_records_are_taken_from_the_first_records_and_the_trigram_indexes_are_not_asked()
    {
        // 1,200 teams whose names hold "sao khue", then 3 holding "hoa ban" (rare). The statement reads the first @walk
        // records by id (here all of them, so the test does not depend on what other tests inserted before).
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using (var insert = conn.Command("""
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, geom, source_id, is_sample)
            SELECT CASE WHEN g <= 1200 THEN 'Đội Sao Khuê số ' || g WHEN g = 1201 THEN 'Sao Khuê' ELSE 'Đội Hoa Ban ' || g END,
                   'club', 'Đoàn thử', ARRAY['first-aid'], 5, 'active',
                   ST_SetSRID(ST_MakePoint(105 + g % 50 * 0.01, 20 + g / 50 * 0.01), 4326), (SELECT id FROM data_sources ORDER BY id LIMIT 1), true
            FROM generate_series(1, 1204) g
            """))
            await insert.ExecuteNonQueryAsync();
        var teams = LayerCatalog.Find("teams")!;
        async Task<string> AnalyzedPlan(string q)
        {
            (string, object?)[] parameters = [.. SearchQueries.Parameters(q, 0, 5, "teams").Where(p => p.Item1 != "walk"), ("walk", 1_000_000)];
            await using var explain = conn.Command("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + SearchQueries.Layer(teams), parameters);
            var lines = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            return string.Join("\n", lines);
        }

        // Sequential scans priced out, as in PlanAsync: at this size the planner would read the table instead of an index.
        await using (var off = conn.Command("SET enable_seqscan = off")) await off.ExecuteNonQueryAsync();
        var common = await AnalyzedPlan("sao khue");
        Assert.Matches(@"Bitmap Index Scan on teams_name_fold_trgm[^\n]*never executed", common);
        Assert.Matches(@"Bitmap Index Scan on teams_search_trgm[^\n]*never executed", common);
        var rare = await AnalyzedPlan("hoa ban");
        Assert.Matches(@"Bitmap Index Scan on teams_name_fold_trgm \(actual rows=[1-9]", rare);
        Assert.Matches(@"Bitmap Index Scan on teams_search_trgm \(actual rows=[1-9]", rare);

        // Through the API (the first 4,000 records): the exact name still leads, and the total says it was capped.
        var group = (await (await app.CreateClient().GetAsync("/api/search?q=sao+khue&group=teams&limit=3")).ReadJsonAsync())["groups"]![0]!;
        Assert.Equal("Sao Khuê", group["results"]![0]!["name"]!.GetValue<string>());
        Assert.True(group["total"]!.GetValue<long>() >= SearchQueries.CandidateCap);
        Assert.True(group["total_is_lower_bound"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_tier_from_the_keys_is_the_tier_of_0095_for_every_name_and_query()
    {
        // 0095's rm_search_tier, as it was inlined into every statement (the keys computed once per use), against
        // 0104's (each key computed once), over every seeded place and record name and queries that reach every tier.
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command("""
            WITH names AS (SELECT name AS n FROM admin_units UNION SELECT name FROM teams UNION SELECT name FROM red_sites
                           UNION SELECT name FROM hardship_villages UNION SELECT NULL),
                 queries AS (SELECT rm_search_key(x) AS q FROM unnest(ARRAY['', 'Hội An', 'quang nam', 'tinh nguyen', 'ha', 'doi',
                     'nam tra my', 'xa', 'clb', 'Huyện Nam Trà My', 'an', 'tp ho chi minh', 'ho chi', 'dien bien phu', 'Tỉnh Quảng Nam',
                     'thon', 'cau lac bo', 'viet', 'son', 'bac', 'dao']) x UNION SELECT NULL),
                 tiers AS (
                     SELECT rm_search_tier(n, q) AS now,
                            CASE
                                WHEN n IS NULL OR q IS NULL OR q = '' THEN 4
                                WHEN rm_search_key(n) = q OR rm_name_core(n) = q THEN 0
                                WHEN rm_search_key(n) LIKE q || '%' OR rm_name_core(n) LIKE q || '%' THEN 1
                                WHEN rm_words_start(rm_search_key(n), q) THEN 2
                                ELSE 4
                            END AS before
                     FROM names, queries)
            SELECT count(*), count(*) FILTER (WHERE now IS DISTINCT FROM before), array_agg(DISTINCT before ORDER BY before) FROM tiers
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) > 10_000, $"only {reader.GetInt64(0)} pairs compared");
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal([0, 1, 2, 4], reader.GetFieldValue<int[]>(2));
    }

    [Theory]
    [InlineData("tinh nguyen 4711", new[] { "%nguyen%", "%4711%", "%tinh%", "%nguyen%" })]
    [InlineData("Hội An", new[] { "%hoi%", "%an%", "%hoi%", "%hoi%" })]
    [InlineData("a b c d e f", new[] { "%a%", "%b%", "%c%", "%d%", "%e%", "%f%" })]
    public async Task The_words_come_longest_first_and_at_least_four(string q, string[] expected)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command("SELECT rm_like_words(@q)", ("q", q));
        Assert.Equal(expected, (string[])(await command.ExecuteScalarAsync())!);
    }
}
