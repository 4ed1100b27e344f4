using System.Net;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Planning;

namespace ResourceMap.Bench;

/// <summary>
/// The anonymous planning endpoints at national scale: the summary by province (teams, capacity, villages no team
/// reaches, … per unit in force today) and the village coverage ranking, through HTTP and as the production SQL.
/// An anonymous request is cancelled after RESOURCEMAP_ANONYMOUS_STATEMENT_SECONDS: the HTTP rows count those 503s.
/// </summary>
public static class PlanningBench
{
    const string SummaryUrl = "/api/planning/summary?level=province";
    const string CoverageUrl = "/api/planning/coverage?limit=100";

    public static async Task<List<Result>> RunAsync(Settings s, HttpClient http, NpgsqlDataSource db)
    {
        var (n, c, budget) = (Math.Min(s.LayerRequests, 200), s.Concurrency, TimeSpan.FromSeconds(s.LayerSeconds));
        var results = new List<Result>();
        var today = VietnamTime.Today;
        int[] once = [0];

        async Task Pair(string group, string url, Func<NpgsqlConnection, NpgsqlCommand> command)
        {
            var refused = 0;
            var result = await Measure.RunAsync(group, "HTTP", n, c, once, async _ =>
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref refused);
                else response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }, budget);
            results.Add(result);
            if (refused > 0) Console.WriteLine($"  {group}: {refused} of {result.Count} anonymous requests answered 503 (statement timeout or busy)");
            results.Add(await Measure.RunAsync(group, "SQL", n, c, once, async _ =>
            {
                await using var conn = await db.OpenConnectionAsync();
                await using var cmd = command(conn);
                cmd.CommandTimeout = 600;
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) { }
            }, budget));
        }

        await Pair("planning summary, provinces", SummaryUrl, conn =>
        {
            var cmd = conn.Command(PlanningQueries.Summary, ("level", "province"), ("parent", null), ("date", today));
            cmd.Parameters["parent"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
            return cmd;
        });
        await Pair("planning coverage, limit 100", CoverageUrl, conn => conn.Command(PlanningQueries.Coverage(false, false), ("limit", 100)));
        return results;
    }
}
