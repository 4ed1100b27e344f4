using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Auth;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Hardening;

/// <summary>
/// What one anonymous visitor can cost everyone else (AnonymousCostCaps). A table held under an exclusive lock by the
/// test makes a read wait as long as the test wants, so the caps are shown without timing anything fine-grained.
/// </summary>
public static class CostCaps
{
    public const string Password = "cost-caps-password-1";
    public const string TeamsBox = "/api/layers/teams/features?bbox=107.2,14.9,108.8,16.2&limit=10";
    public const string TeamsClusters = "/api/layers/teams/clusters?bbox=102,8,110,24&zoom=6";

    public static async Task<NpgsqlTransaction> LockAsync(NpgsqlConnection conn, string table)
    {
        var tx = await conn.BeginTransactionAsync();
        await conn.Command($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE").ExecuteNonQueryAsync();
        return tx;
    }

    public static async Task<string> CoordinatorTokenAsync(MapApiFactory app, HttpClient client, string username)
    {
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, username, "coordinator", Password);
        return (await AuthRequests.TokensAsync(client, username, Password)).Access();
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    /// <summary>Backends of this database still waiting on a lock: a cancelled statement no longer does.</summary>
    public static async Task<long> WaitingOnLocksAsync(MapApiFactory app)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        return (long)(await conn.Command(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            .ExecuteScalarAsync())!;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(4);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 4 s");
            await Task.Delay(50);
        }
    }
}

/// <summary>An anonymous statement is cancelled on the server after RESOURCEMAP_ANONYMOUS_STATEMENT_SECONDS.</summary>
public sealed class AnonymousStatementTimeoutTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task An_anonymous_read_that_runs_too_long_is_stopped_on_the_server_with_a_503_while_a_signed_in_one_waits()
    {
        var client = app.CreateClient();
        var token = await CostCaps.CoordinatorTokenAsync(app, client, "caps-coordinator");
        Assert.Equal(200, (int)(await CostCaps.GetAsync(client, CostCaps.TeamsBox)).StatusCode); // warm: the plan and the connection exist

        await using var locker = await app.Sql.OpenConnectionAsync();
        var tx = await CostCaps.LockAsync(locker, "teams");
        var signedIn = CostCaps.GetAsync(client, CostCaps.TeamsBox, token);
        var clock = Stopwatch.StartNew();
        var anonymousClusters = CostCaps.GetAsync(client, CostCaps.TeamsClusters); // a heavy read, cancelled the same way
        var anonymous = await CostCaps.GetAsync(client, CostCaps.TeamsBox);
        var anonymousSeconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(503, (int)(await anonymousClusters).StatusCode);

        Assert.Equal(503, (int)anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        var problem = await anonymous.ReadJsonAsync();
        Assert.Equal("Took too long", problem["title"]!.GetValue<string>());
        Assert.NotNull(anonymous.Headers.RetryAfter);
        Assert.InRange(anonymousSeconds, ApiLimits.Current.AnonymousStatementSeconds - 0.5, ApiLimits.Current.AnonymousStatementSeconds + 10);
        // The anonymous statement is gone from the server; only the signed-in one still waits for the lock.
        Assert.Equal(1, await CostCaps.WaitingOnLocksAsync(app));
        Assert.False(signedIn.IsCompleted);

        await tx.RollbackAsync();
        Assert.Equal(200, (int)(await signedIn).StatusCode);
        Assert.Equal(200, (int)(await CostCaps.GetAsync(client, CostCaps.TeamsBox)).StatusCode); // the pool's connection still works
    }
}

/// <summary>One heavy anonymous read at a time, none waiting: the second is refused at once.</summary>
public sealed class OneHeavySlot : MapApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("RESOURCEMAP_ANONYMOUS_HEAVY_CONCURRENCY", "1");
        builder.UseSetting("RESOURCEMAP_ANONYMOUS_HEAVY_QUEUE", "1");
    }
}

/// <summary>Heavy anonymous reads share RESOURCEMAP_ANONYMOUS_HEAVY_CONCURRENCY slots and a bounded queue.</summary>
public sealed class AnonymousHeavySlotsTests(OneHeavySlot app) : IClassFixture<OneHeavySlot>
{
    [Fact]
    public async Task Heavy_anonymous_reads_share_a_few_slots_and_the_overflow_is_told_to_retry_while_light_and_signed_in_reads_go_on()
    {
        var client = app.CreateClient();
        var token = await CostCaps.CoordinatorTokenAsync(app, client, "caps-planner");
        Assert.Equal(200, (int)(await CostCaps.GetAsync(client, CostCaps.TeamsClusters)).StatusCode);
        const string Tile = "/api/layers/teams/tiles/8/204/116.mvt";
        Assert.Equal(200, (int)(await CostCaps.GetAsync(client, Tile)).StatusCode);           // rendered once, then cached

        // Views with a search aggregate the points (the pyramid holds only whole layers and facets): they take slots.
        await using var locker = await app.Sql.OpenConnectionAsync();
        var tx = await CostCaps.LockAsync(locker, "teams");
        var running = CostCaps.GetAsync(client, CostCaps.TeamsClusters + "&q=doan");  // holds the one slot, waiting on the lock
        await CostCaps.WaitUntilAsync(async () => await CostCaps.WaitingOnLocksAsync(app) == 1);
        var queued = CostCaps.GetAsync(client, CostCaps.TeamsClusters + "&q=nam"); // waits in the queue of one
        await Task.Delay(200);
        var refused = await CostCaps.GetAsync(client, CostCaps.TeamsClusters + "&q=ha");

        Assert.Equal(503, (int)refused.StatusCode);
        Assert.Equal("Busy", (await refused.ReadJsonAsync())["title"]!.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(200, (int)(await CostCaps.GetAsync(client, "/api/skills")).StatusCode); // a light read is not held up
        var cached = await CostCaps.GetAsync(client, Tile);                                // nor a tile from the cache
        Assert.Equal(200, (int)cached.StatusCode);
        Assert.True((await cached.Content.ReadAsByteArrayAsync()).Length > 0);
        Assert.Equal(503, (int)(await CostCaps.GetAsync(client, "/api/layers/teams/tiles/8/204/117.mvt")).StatusCode); // a render takes a slot
        var signedIn = CostCaps.GetAsync(client, CostCaps.TeamsClusters, token);                       // a signed-in user bypasses the slots
        await CostCaps.WaitUntilAsync(async () => await CostCaps.WaitingOnLocksAsync(app) == 2);
        Assert.False(queued.IsCompleted);

        await tx.RollbackAsync();
        Assert.Equal(200, (int)(await running).StatusCode);
        Assert.Equal(200, (int)(await queued).StatusCode);
        Assert.Equal(200, (int)(await signedIn).StatusCode);
    }
}
