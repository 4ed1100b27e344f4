using System.Diagnostics;

namespace ResourceMap.Bench;

/// <summary>One measured operation. Via is "HTTP", "SQL" or a naive variant; Group ties an HTTP row to its SQL row.</summary>
public sealed record Result(string Group, string Via, int Count, double P50, double P95, double Throughput);

public static class Measure
{
    /// <summary>Appended to every group name, e.g. " · 4 clients", so one run can measure several client counts.</summary>
    public static string GroupSuffix = "";

    /// <summary>
    /// Warms up, then runs up to `count` calls over `concurrency` workers cycling through the inputs, stopping early
    /// once `budget` has elapsed (so a slow operation still ends in bounded time; at least `concurrency` calls run).
    /// </summary>
    public static async Task<Result> RunAsync<T>(string group, string via, int count, int concurrency, IReadOnlyList<T> inputs,
        Func<T, Task> call, TimeSpan? budget = null)
    {
        // Warm-up: up to 200 calls or 1 s (at least 4, and no more than a quarter of the budget for a slow operation).
        // .NET compiles a method again, optimised, after 30 calls and a 100 ms pause: with 20 calls the API's first
        // measured calls of a path ran unoptimised code (1 client, q= and clusters z9 at ×1.4–1.6 of their SQL in one run
        // where other runs gave ×1.1–1.3).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 200 && (i < 4 || warm.Elapsed < TimeSpan.FromSeconds(1))
                            && (i == 0 || budget is null || warm.Elapsed < budget / 4); i++)
            await call(inputs[(i * 7919) % inputs.Count]);

        var perWorker = new List<double>[concurrency];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = perWorker[w] = [];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && (budget is null || total.Elapsed < budget || i < concurrency))
            {
                var sw = Stopwatch.StartNew();
                await call(inputs[i % inputs.Count]);
                mine.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        total.Stop();
        var latencies = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(latencies);
        group += GroupSuffix;
        var result = new Result(group, via, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.95),
            latencies.Length / total.Elapsed.TotalSeconds);
        Console.WriteLine($"  {group} [{via}]: {result.Count} calls, {result.P50:0.00} ms p50");
        return result;
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record Settings(string Database, string ApiDll, string Suite, int Teams, int Needs, int Requests, int NaiveRequests,
    int Concurrency, int LayerRequests, double LayerSeconds, string? DataDirectory = null, bool Reuse = false)
{
    public static Settings From(string[] args)
    {
        string? Get(string name)
        {
            // --name=value or --name value, else BENCH_NAME.
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith($"--{name}=", StringComparison.OrdinalIgnoreCase)) return args[i].Split('=', 2)[1];
                if (args[i].Equals($"--{name}", StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length) return args[i + 1];
            }
            return Environment.GetEnvironmentVariable("BENCH_" + name.ToUpperInvariant());
        }
        int Int(string name, int fallback) => int.TryParse(Get(name), out var v) && v > 0 ? v : fallback;
        var suite = (Get("suite") ?? "all").ToLowerInvariant();
        string[] known = ["all", "layers", "matching", "planning", "search", "load", "browser"];
        if (suite.Split(',').Any(p => !known.Contains(p)))
            throw new ArgumentException("--suite must be layers, matching, planning, search, load, browser or all, or several joined by commas (layers,planning).");
        return new Settings(
            Get("db") ?? throw new ArgumentException("Set BENCH_DB (or --db=) to a PostgreSQL connection string."),
            Get("api_dll") ?? throw new ArgumentException("Set BENCH_API_DLL (or --api_dll=) to the built MapApi.dll."),
            suite, Int("teams", 100_000), Int("needs", 1_000), Int("requests", 2_000), Int("naive_requests", 40), Int("concurrency", 4),
            Int("layer_requests", 1_000), double.TryParse(Get("layer_seconds"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 8,
            Get("data_dir"), Get("reuse") == "1");
    }

    bool Runs(string part) => Suite.Split(',').Any(p => p == "all" || p == part);
    public bool Matching => Runs("matching");
    public bool Layers => Runs("layers");
    public bool Planning => Runs("planning");
    public bool Search => Runs("search");
    public bool Load => Runs("load");
    public bool Browser => Runs("browser");
}
