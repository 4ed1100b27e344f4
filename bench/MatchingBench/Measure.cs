using System.Diagnostics;
using ResourceMap.Api.Matching;

namespace ResourceMap.Bench;

public sealed record Result(string Name, int Count, double P50, double P95, double Throughput);

public static class Measure
{
    /// <summary>Warms up, then runs `count` calls over `concurrency` workers cycling through the query points.</summary>
    public static async Task<Result> RunAsync(string name, int count, int concurrency, IReadOnlyList<MatchingApi.MatchQuery> queries,
        Func<MatchingApi.MatchQuery, Task> call)
    {
        for (var i = 0; i < Math.Min(20, Math.Max(4, count / 10)); i++) await call(queries[(i * 7919) % queries.Count]);

        var latencies = new double[count];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var sw = Stopwatch.StartNew();
                await call(queries[i % queries.Count]);
                latencies[i] = sw.Elapsed.TotalMilliseconds;
            }
        }));
        total.Stop();
        Array.Sort(latencies);
        var result = new Result(name, count, Percentile(latencies, 0.50), Percentile(latencies, 0.95), count / total.Elapsed.TotalSeconds);
        Console.WriteLine($"  {name}: done ({result.P50:0.00} ms p50)");
        return result;
    }

    static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record Settings(string Database, string ApiDll, int Teams, int Needs, int Requests, int NaiveRequests, int Concurrency)
{
    public static Settings From(string[] args)
    {
        string? Get(string name) =>
            args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.OrdinalIgnoreCase))?.Split('=', 2)[1]
            ?? Environment.GetEnvironmentVariable("BENCH_" + name.ToUpperInvariant());
        int Int(string name, int fallback) => int.TryParse(Get(name), out var v) && v > 0 ? v : fallback;
        return new Settings(
            Get("db") ?? throw new ArgumentException("Set BENCH_DB (or --db=) to a PostgreSQL connection string."),
            Get("api_dll") ?? throw new ArgumentException("Set BENCH_API_DLL (or --api_dll=) to the built MapApi.dll."),
            Int("teams", 100_000), Int("needs", 1_000), Int("requests", 2_000), Int("naive_requests", 40), Int("concurrency", 4));
    }
}
