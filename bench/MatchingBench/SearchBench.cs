using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Api.Search;

namespace ResourceMap.Bench;

/// <summary>
/// /api/search at national scale: place names, team names and a word that matches many records, through HTTP and as
/// the production SQL (the admin-unit group and one statement per layer, on one connection, as the API runs them).
/// </summary>
public static class SearchBench
{
    /// <summary>Queries people type: places without diacritics, a generated team's name, a common word, a prefix.</summary>
    static readonly string[] Queries =
        ["nam tra my", "hoi an", "quang nam", "cu chi", "da nang", "doi tinh nguyen 4711", "tinh nguyen", "tiep suc", "dien bien", "ha gi"];

    public static async Task<List<Result>> RunAsync(Settings s, HttpClient http, NpgsqlDataSource db)
    {
        var (n, c, budget) = (s.LayerRequests, s.Concurrency, TimeSpan.FromSeconds(s.LayerSeconds));
        const string group = "search GET /api/search (8 groups)";
        var refused = 0;
        var results = new List<Result>
        {
            await Measure.RunAsync(group, "HTTP", n, c, Queries, async q =>
            {
                using var response = await http.GetAsync($"/api/search?q={Uri.EscapeDataString(q)}");
                // An anonymous search past its statement timeout is a 503: counted, not a crash of the bench.
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable) { Interlocked.Increment(ref refused); return; }
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }, budget),
            await Measure.RunAsync(group, "SQL", n, c, Queries, async q =>
            {
                await using var conn = await db.OpenConnectionAsync();
                foreach (var (id, _, _, sql) in SearchQueries.Groups)
                {
                    await using var command = conn.Command(sql, SearchQueries.Parameters(q, 0, 5, id));
                    await command.ExecuteScalarAsync();
                }
            }, budget),
        };
        if (refused > 0) Console.WriteLine($"  {group}: {refused} anonymous requests answered 503 (statement timeout or busy)");
        return results;
    }
}
