using System.Diagnostics;
using System.Globalization;

namespace ResourceMap.Bench;

/// <summary>
/// Issue 7's cost caps under load (--suite load, or part of all): light anonymous reads (a province-sized features
/// box, 50 features) timed alone, then again while 20 anonymous clients hammer the heavy reads (planning summary and
/// coverage, filtered whole-country clusters, a province export, OGC items). Prints p50/p95 idle and under load,
/// their ratio, and how many heavy requests were served or told to retry (503 Busy / Took too long).
/// </summary>
public static class LoadBench
{
    static readonly (double Lon, double Lat)[] Centres =
    [
        (105.85, 21.03), (108.22, 16.05), (106.70, 10.78), (105.78, 10.03), (108.0, 15.5), (104.9, 21.7), (107.6, 16.46), (109.2, 12.25),
    ];

    static readonly string[] Heavy =
    [
        "/api/planning/summary?level=province",
        "/api/planning/coverage?limit=100",
        "/api/layers/teams/clusters?bbox=102,8,110,24&zoom=6&q=doi",
        "/api/layers/teams/clusters?bbox=102,8,110,24&zoom=6&skill=first-aid",
        // One province's cluster (about 18,000 teams at 1,000,000): a 2° box held 171,431, over the export cap (400).
        "/api/layers/teams/export?format=csv&bbox=105.55,20.73,106.15,21.33",
        "/ogc/collections/teams/items?limit=1000&bbox=102,8,110,24",
    ];

    static string LightUrl(int i)
    {
        var (lon, lat) = Centres[i % Centres.Length];
        return string.Create(CultureInfo.InvariantCulture, $"/api/layers/teams/features?bbox={lon - 0.3},{lat - 0.25},{lon + 0.3},{lat + 0.25}&limit=50");
    }

    public static async Task RunAsync(HttpClient http, int lightRequests = 400, int heavyClients = 20)
    {
        foreach (var url in Heavy.Append(LightUrl(0)))
        {
            using var check = await http.GetAsync(url);
            if ((int)check.StatusCode >= 500 && (int)check.StatusCode != 503)
                throw new InvalidOperationException($"{url} answered {(int)check.StatusCode} before the load test");
        }

        var idle = await LightAsync(http, lightRequests);
        using var stop = new CancellationTokenSource();
        long served = 0, busy = 0, other = 0;
        var heavyLoops = Enumerable.Range(0, heavyClients).Select(c => Task.Run(async () =>
        {
            for (var i = c; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await http.GetAsync(Heavy[i % Heavy.Length], stop.Token);
                    await response.Content.ReadAsByteArrayAsync(stop.Token);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref served);
                    else if ((int)response.StatusCode == 503) Interlocked.Increment(ref busy);
                    else Interlocked.Increment(ref other);
                }
                catch (OperationCanceledException) { }
            }
        })).ToArray();
        await Task.Delay(1000); // the heavy clients are all in flight
        var loaded = await LightAsync(http, lightRequests);
        stop.Cancel();
        await Task.WhenAll(heavyLoops);

        Console.WriteLine();
        Console.WriteLine($"Load: light anonymous reads (features, province box, 50) alone and beside {heavyClients} anonymous clients looping over heavy reads");
        Console.WriteLine($"{"light reads",-28} {"n",6} {"p50 ms",8} {"p95 ms",8}");
        Console.WriteLine($"{"idle",-28} {idle.Count,6} {idle.P50,8:0.00} {idle.P95,8:0.00}");
        Console.WriteLine($"{"under heavy load",-28} {loaded.Count,6} {loaded.P50,8:0.00} {loaded.P95,8:0.00}");
        Console.WriteLine($"p95 under load / idle: ×{loaded.P95 / idle.P95:0.00} (target ≤ ×2); heavy requests served {served}, told to retry (503) {busy}, other errors {other}");
    }

    static async Task<(int Count, double P50, double P95)> LightAsync(HttpClient http, int count)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(LightUrl(i));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times.Count, times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
    }
}
