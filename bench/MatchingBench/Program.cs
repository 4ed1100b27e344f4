// Benchmark of the read paths on a generated national data set, in one run (--suite=matching|layers|planning|search|load|browser|all, default all):
// - matching: the ranking through the HTTP API (MapApi started as a child process), the API's SQL sent straight to
//   PostGIS, and a naive full scan (ST_Distance over every team, no ST_DWithin index pre-filter);
// - layers: features in a bbox and by q=, clusters at zoom 6 and 9, MVT tiles at z8 and z12, each through HTTP and as
//   the production SQL straight to PostGIS, plus the bbox query with the spatial index switched off;
// - planning: the anonymous planning endpoints (summary by province, village coverage) over the seeded admin units and
//   13,222 generated villages (BENCH_DATA_DIR: the seed to load into an empty database first).
// - search: /api/search for place names, team names and common words, HTTP and its per-group statements;
// - browser: the web map in headless Chromium, first render and panning at z6–z9 (each viewport request timed).
// Configuration (env or --name=value): BENCH_DB (connection string, required), BENCH_API_DLL (required), BENCH_SUITE (all),
// BENCH_TEAMS (100000), BENCH_NEEDS (1000), BENCH_REQUESTS (2000), BENCH_NAIVE_REQUESTS (40), BENCH_CONCURRENCY (4),
// BENCH_LAYER_REQUESTS (1000 per layers measurement at most), BENCH_LAYER_SECONDS (8: time budget per layers measurement),
// BENCH_REUSE (1: keep the data set the database already holds, if it is the one asked for).
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
Console.WriteLine($"MatchingBench (suite {settings.Suite}): {settings.Teams:N0} teams, {settings.Needs:N0} needs, concurrency {settings.Concurrency}; " +
    $"matching {settings.Requests:N0} requests (naive {settings.NaiveRequests}), layers ≤ {settings.LayerRequests:N0} requests or {settings.LayerSeconds:0} s each");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average at start {LoadAverage()}");

// The SQL side runs with the app's own session settings (jit = off, no parallel workers per gather), so API/SQL compares like with like.
var sessionOptions = new ResourceMapOptions().DatabaseSessionOptions;
await using var db = new NpgsqlDataSourceBuilder(settings.Database) { ConnectionStringBuilder = { MaxPoolSize = 50, Options = sessionOptions } }.Build();
// The naive comparison for bbox: the same statement in sessions where the planner may not use any index.
await using var noIndex = new NpgsqlDataSourceBuilder(settings.Database)
{
    ConnectionStringBuilder = { MaxPoolSize = 50, Options = sessionOptions + " -c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off" },
}.Build();
await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
// The real admin units (provinces before and after July 2025) and the seed, so planning has units to summarise.
if (settings.DataDirectory is { } dataDirectory)
    await new ResourceMap.Api.Import.DataLoader(db, NullLogger<ResourceMap.Api.Import.DataLoader>.Instance).SeedIfEmptyAsync(dataDirectory);
if (settings.Reuse && await Generator.IsGeneratedAsync(db, settings.Teams, settings.Needs))
{
    Console.WriteLine($"Reusing the {settings.Teams:N0} generated teams already in the database (BENCH_REUSE=1)");
}
else
{
    var generate = Stopwatch.StartNew();
    await Generator.GenerateAsync(db, settings.Teams, settings.Needs);
    Console.WriteLine($"Generated and indexed in {generate.Elapsed.TotalSeconds:0.0} s");
}
await Storage.PrintAsync(db, settings.Teams);

var queries = await Generator.QueriesAsync(db);
Console.WriteLine($"{queries.Count} query points (the generated needs)");

// Sanity: the indexed query and the naive scan rank the same teams.
if (settings.Matching)
{
    await using (var conn = await db.OpenConnectionAsync())
    {
        foreach (var q in queries.Take(5))
        {
            var fast = (await MatchingApi.RankAsync(conn, q, default)).Select(m => m.TeamId).ToList();
            var naive = (await MatchingApi.RunAsync(conn, MatchingQueries.Unindexed, q, default)).Select(m => m.TeamId).ToList();
            if (!fast.SequenceEqual(naive)) throw new InvalidOperationException($"indexed and naive rankings differ at ({q.Lon}, {q.Lat})");
        }
    }
    Console.WriteLine("Indexed and naive rankings agree on the first 5 query points.");
    // Where the exact top-k stands decides its cost: each level after the first scores one more ring of teams.
    await using (var conn = await db.OpenConnectionAsync())
    {
        var stood = new SortedDictionary<int, (int Needs, double Ms)>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var q in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var (_, divisor) = await MatchingApi.RankByLevelsAsync(conn, q, default);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            stood[divisor] = stood.TryGetValue(divisor, out var seen) ? (seen.Needs + 1, seen.Ms + ms) : (1, ms);
        }
        Console.WriteLine("Level at which the ranking stood (reach shrunk to 1/n): " + string.Join(", ",
            stood.Select(l => string.Create(CultureInfo.InvariantCulture, $"1/{l.Key} {l.Value.Needs} needs, mean {l.Value.Ms / l.Value.Needs:0.0} ms"))));
    }
}

var port = FreePort();
using var api = StartApi(settings, port);
// A failed run must not leave its API running (it would hold the port and whatever the shell gave it).
AppDomain.CurrentDomain.UnhandledException += (_, _) => { try { api.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } };
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
await WaitForApiAsync(http, api);

var results = new List<Result>();
const string HttpFloor = "HTTP floor: GET /api/layers (from memory)";
foreach (var clients in new[] { 1, settings.Concurrency }.Distinct())
{
    Measure.GroupSuffix = clients == 1 ? " · 1 client" : $" · {clients} clients";
    var run = settings with { Concurrency = clients };
    Console.WriteLine($"-- {clients} client(s)");
    // What any request costs over HTTP here (client, loopback, Kestrel, middleware): the layer list comes from memory.
    // A path whose SQL takes less than a few times this cannot be within ×1.3 of it through HTTP.
    results.Add(await Measure.RunAsync(HttpFloor, "HTTP", run.LayerRequests, clients, ["/api/layers"], async url =>
    {
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }));
    if (settings.Matching)
    {
        const string group = "matching GET /api/matches";
        results.Add(await Measure.RunAsync(group, "HTTP", run.Requests, clients, queries, async q =>
        {
            using var response = await http.GetAsync(Url(q));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }));
        results.Add(await Measure.RunAsync(group, "SQL", run.Requests, clients, queries, async q =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await MatchingApi.RankAsync(conn, q, default);
        }));
        // For scale: only the index lookup of the teams whose whole reach box holds the point, nothing scored.
        results.Add(await Measure.RunAsync(group, "bare reach-box lookup", run.Requests, clients, queries, async q =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var command = conn.Command(MatchingQueries.ReachBoxLookup, ("lon", q.Lon), ("lat", q.Lat));
            await command.ExecuteScalarAsync();
        }));
        results.Add(await Measure.RunAsync(group, "naive full scan", run.NaiveRequests, clients, queries, async q =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await MatchingApi.RunAsync(conn, MatchingQueries.Unindexed, q, default);
        }, TimeSpan.FromSeconds(run.LayerSeconds * 2)));
    }
    if (settings.Layers)
    {
        if (clients == 1) await LayersBench.CheckAsync(http, db, noIndex);
        results.AddRange(await LayersBench.RunAsync(run, http, db, noIndex));
    }
    if (settings.Planning) results.AddRange(await PlanningBench.RunAsync(run, http, db));
    if (settings.Search) results.AddRange(await SearchBench.RunAsync(run, http, db));
}
Measure.GroupSuffix = "";
if (settings.Browser) await BrowserBench.RunAsync(http);
if (settings.Load) await LoadBench.RunAsync(http);
if (settings.Matching) await Writes.RunAsync(db, Math.Min(500, settings.Teams));
api.Kill(entireProcessTree: true);

Console.WriteLine();
Console.WriteLine($"Results ({settings.Teams:N0} teams, concurrency {settings.Concurrency}, load average now {LoadAverage()}); API/SQL = HTTP p50 / SQL p50:");
Console.WriteLine($"{"operation",-40} {"via",-22} {"n",6} {"p50 ms",8} {"p95 ms",8} {"req/s",8} {"API/SQL",8} {"+ms",6}");
string? previous = null;
foreach (var r in results)
{
    var sql = results.FirstOrDefault(x => x.Group == r.Group && x.Via == "SQL");
    var paired = r.Via == "HTTP" && sql is not null;
    var ratio = paired ? $"×{r.P50 / sql!.P50:0.00}" : "";
    // The milliseconds the API adds to its SQL, to hold against the HTTP floor of the same client count.
    var added = paired ? $"{r.P50 - sql!.P50:0.00}" : "";
    Console.WriteLine($"{(r.Group == previous ? "" : r.Group),-40} {r.Via,-22} {r.Count,6} {r.P50,8:0.00} {r.P95,8:0.00} {r.Throughput,8:0.0} {ratio,8} {added,6}");
    previous = r.Group;
}

Console.WriteLine();
Console.WriteLine("Ratios (p50 / p95 / throughput):");
foreach (var group in results.Select(r => r.Group).Distinct())
{
    if (results.SingleOrDefault(r => r.Group == group && r.Via == "SQL") is not { } sql) continue;
    foreach (var other in results.Where(r => r.Group == group && r.Via != "SQL"))
    {
        var label = other.Via == "HTTP" ? "API/SQL" : $"{other.Via} / SQL";
        Console.WriteLine($"  {group,-40} {label,-30} ×{other.P50 / sql.P50:0.00} / ×{other.P95 / sql.P95:0.00} / ×{other.Throughput / sql.Throughput:0.000}");
    }
}
return 0;

static string LoadAverage()
{
    try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "n/a"; }
}

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
