// Matching benchmark: one run measures the same ranking three ways on a generated national data set —
// through the HTTP API (MapApi started as a child process), the API's SQL sent straight to PostGIS,
// and a naive full scan (ST_Distance over every team, no ST_DWithin index pre-filter).
// Configuration (env or --name=value): BENCH_DB (connection string, required), BENCH_API_DLL (required),
// BENCH_TEAMS (100000), BENCH_NEEDS (1000), BENCH_REQUESTS (2000), BENCH_NAIVE_REQUESTS (40), BENCH_CONCURRENCY (4).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Matching;
using ResourceMap.Bench;

var settings = Settings.From(args);
Console.WriteLine($"MatchingBench: {settings.Teams:N0} teams, {settings.Needs:N0} needs, {settings.Requests:N0} requests (naive {settings.NaiveRequests}), concurrency {settings.Concurrency}");

await using var db = new NpgsqlDataSourceBuilder(settings.Database) { ConnectionStringBuilder = { MaxPoolSize = 50 } }.Build();
await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
var generate = Stopwatch.StartNew();
await Generator.GenerateAsync(db, settings.Teams, settings.Needs);
Console.WriteLine($"Generated and indexed in {generate.Elapsed.TotalSeconds:0.0} s");

var queries = await Generator.QueriesAsync(db);
Console.WriteLine($"{queries.Count} query points (the generated needs)");

// Sanity: the indexed query and the naive scan rank the same teams.
await using (var conn = await db.OpenConnectionAsync())
{
    foreach (var q in queries.Take(5))
    {
        var fast = (await MatchingApi.RunAsync(conn, MatchingQueries.Match, q, default)).Select(m => m.TeamId).ToList();
        var naive = (await MatchingApi.RunAsync(conn, MatchingQueries.NaiveMatch, q, default)).Select(m => m.TeamId).ToList();
        if (!fast.SequenceEqual(naive)) throw new InvalidOperationException($"indexed and naive rankings differ at ({q.Lon}, {q.Lat})");
    }
}
Console.WriteLine("Indexed and naive rankings agree on the first 5 query points.");

var port = FreePort();
using var api = StartApi(settings, port);
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
await WaitForApiAsync(http, api);

var results = new List<Result>
{
    await Measure.RunAsync("HTTP API  GET /api/matches", settings.Requests, settings.Concurrency, queries, async q =>
    {
        using var response = await http.GetAsync(Url(q));
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }),
    await Measure.RunAsync("SQL direct (same query)", settings.Requests, settings.Concurrency, queries, async q =>
    {
        await using var conn = await db.OpenConnectionAsync();
        await MatchingApi.RunAsync(conn, MatchingQueries.Match, q, default);
    }),
    await Measure.RunAsync("Naive full scan (no DWithin)", settings.NaiveRequests, settings.Concurrency, queries, async q =>
    {
        await using var conn = await db.OpenConnectionAsync();
        await MatchingApi.RunAsync(conn, MatchingQueries.NaiveMatch, q, default);
    }),
};
api.Kill(entireProcessTree: true);

Console.WriteLine();
Console.WriteLine($"{"",-30} {"requests",9} {"p50 ms",9} {"p95 ms",9} {"req/s",9}");
foreach (var r in results)
    Console.WriteLine($"{r.Name,-30} {r.Count,9} {r.P50,9:0.00} {r.P95,9:0.00} {r.Throughput,9:0.0}");
var (apiR, sqlR, naiveR) = (results[0], results[1], results[2]);
Console.WriteLine();
Console.WriteLine($"API/SQL   p50 ×{apiR.P50 / sqlR.P50:0.00}  p95 ×{apiR.P95 / sqlR.P95:0.00}  throughput ×{apiR.Throughput / sqlR.Throughput:0.00}");
Console.WriteLine($"naive/SQL p50 ×{naiveR.P50 / sqlR.P50:0.0}  p95 ×{naiveR.P95 / sqlR.P95:0.0}  throughput ×{naiveR.Throughput / sqlR.Throughput:0.000}");
return 0;

static string Url(MatchingApi.MatchQuery q) => string.Create(CultureInfo.InvariantCulture,
    $"/api/matches?lon={q.Lon}&lat={q.Lat}&skills={string.Join(',', q.Skills)}&from={q.From:yyyy-MM-dd}&to={q.To:yyyy-MM-dd}&volunteers={q.Volunteers}&limit={q.Limit}");

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static Process StartApi(Settings settings, int port)
{
    var start = new ProcessStartInfo("dotnet", [settings.ApiDll, "--urls", $"http://127.0.0.1:{port}"])
    {
        RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
    };
    start.Environment["RESOURCEMAP_DB"] = settings.Database;
    start.Environment["RESOURCEMAP_SEED"] = "false";
    start.Environment["RESOURCEMAP_MIGRATE"] = "false";
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[api] " + e.Data); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForApiAsync(HttpClient http, Process api)
{
    for (var i = 0; i < 120; i++)
    {
        if (api.HasExited) throw new InvalidOperationException($"MapApi exited with code {api.ExitCode}");
        try { if ((await http.GetAsync("/health")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
        await Task.Delay(250);
    }
    throw new TimeoutException("MapApi did not answer /health within 30 s");
}
