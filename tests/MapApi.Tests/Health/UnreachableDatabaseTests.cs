using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Health;

/// <summary>The app started against a database that is not there.</summary>
public sealed class NoDatabaseFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        builder.UseSetting("RESOURCEMAP_DB", "Host=127.0.0.1;Port=9;Database=none;Username=none;Timeout=3");
        builder.UseSetting("RESOURCEMAP_MIGRATE", "false");
        builder.UseSetting("RESOURCEMAP_SEED", "false");
    }
}

public sealed class UnreachableDatabaseTests(NoDatabaseFactory app) : IClassFixture<NoDatabaseFactory>
{
    [Fact]
    public async Task Health_says_503_when_the_database_is_unreachable()
    {
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(503, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        Assert.DoesNotContain("Port=9", body.ToJsonString());
    }

    [Fact]
    public async Task Reads_get_a_503_problem_without_internals()
    {
        var problem = await (await app.CreateClient().GetAsync("/api/layers/teams/features")).AssertProblemAsync(503);
        Assert.DoesNotContain("Npgsql", problem.ToJsonString());
        Assert.DoesNotContain("127.0.0.1", problem.ToJsonString());
    }
}
