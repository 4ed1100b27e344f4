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
        var plan = await PlanAsync(SearchQueries.Layer(teams), ("q", q), ("cap", SearchQueries.CandidateCap), ("offset", 0), ("limit", 5), ("layer_id", "teams"));
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
        await using var command = conn.Command(SearchQueries.Layer(teams), ("q", "ha gi"), ("cap", SearchQueries.CandidateCap), ("offset", 0), ("limit", 5), ("layer_id", "teams"));
        var answer = System.Text.Json.Nodes.JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)!;
        Assert.Equal(0, answer["total"]!.GetValue<long>());
        // … although names hold both fragments: reading them all is what the rule saves.
        await using (var fragments = conn.Command("SELECT count(*) FROM teams t WHERE rm_fold(t.name) LIKE ALL (rm_like_patterns(@q))", ("q", "ha gi")))
            Assert.True((long)(await fragments.ExecuteScalarAsync())! > 0, "no team name holds 'ha' and 'gi': the test shows nothing");
        // The admin units are still searched for it ("ha gi" starts Hà Giang and its districts).
        await using var units = conn.Command(SearchQueries.AdminUnits, ("q", "ha gi"), ("cap", SearchQueries.CandidateCap), ("offset", 0), ("limit", 5), ("layer_id", "admin-units"));
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
        var plan = await PlanAsync(SearchQueries.Layer(teams), ("q", "tinh nguyen"), ("cap", SearchQueries.CandidateCap), ("offset", 0), ("limit", 5), ("layer_id", "teams"));
        // … as a range (an Index Cond), not a walk of the whole index filtered row by row (1.2 s at 100,000 teams).
        Assert.Matches(@"Index (Only )?Scan using teams_name_key_ix[^\n]*\n\s*Index Cond: ", plan);
        Assert.Matches(@"Index (Only )?Scan using teams_name_core_ix[^\n]*\n\s*Index Cond: ", plan);
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
