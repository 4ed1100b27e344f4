using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Needs;

namespace ResourceMap.Tests.Auth;

/// <summary>RESOURCEMAP_DB_READ: anonymous feature and skill reads go to the read connection, everything else to the primary.</summary>
public sealed class ReadDbTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public void Without_a_read_database_reads_use_the_primary()
    {
        var read = app.Services.GetRequiredService<ReadDb>();
        Assert.False(read.IsReplica);
        Assert.Same(app.Services.GetRequiredService<NpgsqlDataSource>(), read.Source);
    }

    [Fact]
    public async Task A_read_database_on_the_same_server_serves_features_and_skills()
    {
        var name = $"rm-read-{Guid.NewGuid():N}"[..24];
        var readConnection = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString(app.DatabaseName)) { ApplicationName = name }.ConnectionString;
        using var instance = app.Instance(("RESOURCEMAP_DB_READ", readConnection));
        Assert.True(instance.Services.GetRequiredService<ReadDb>().IsReplica);
        var client = instance.CreateClient();

        var teams = await (await client.GetAsync("/api/layers/teams/features?limit=100")).ReadJsonAsync();
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM teams"), teams.Features().Count());
        var skills = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/skills");
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM skills"), skills!.Count);
        // The reads went through the read connection (its pooled connection is still open under its name).
        Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = @n", ("n", name)) >= 1);
    }

    [Fact]
    public async Task With_the_read_database_down_only_the_switched_reads_fail_and_writes_go_on()
    {
        using var instance = app.Instance(("RESOURCEMAP_DB_READ", "Host=127.0.0.1;Port=9;Database=none;Username=none;Timeout=3"));
        var anonymous = instance.CreateClient();
        await (await anonymous.GetAsync("/api/layers/teams/features")).AssertProblemAsync(503);
        await (await anonymous.GetAsync("/api/skills")).AssertProblemAsync(503);
        Assert.Equal(200, (int)(await anonymous.GetAsync("/api/layers")).StatusCode);

        var tokens = await AuthRequests.TokensAsync(anonymous, "coord1");
        var write = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = JsonContent.Create(NeedRequests.VillageNeed()) };
        write.Headers.Authorization = new("Bearer", tokens["access_token"]!.GetValue<string>());
        Assert.Equal(201, (int)(await anonymous.SendAsync(write)).StatusCode);
    }
}
