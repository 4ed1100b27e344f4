using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Auth;

public sealed class StrictLoginFactory : MapApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("RESOURCEMAP_LOGIN_PER_MINUTE", "3");
}

public sealed class LoginRateLimitTests(StrictLoginFactory app) : IClassFixture<StrictLoginFactory>
{
    [Fact]
    public async Task Password_guessing_is_throttled_with_a_429_problem()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
            await (await client.PostAsJsonAsync("/api/auth/token", new { username = $"someone-{i}", password = $"guess-{i}" })).AssertProblemAsync(401);
        var throttled = await client.PostAsJsonAsync("/api/auth/token", new { username = "someone-else", password = "guess-4" });
        // A fourth username from the same address: the per-address limit, not the per-account one.
        var problem = await throttled.AssertProblemAsync(429);
        Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Contains("from one address", problem["detail"]!.GetValue<string>());
        // Reads are not throttled.
        Assert.Equal(200, (int)(await client.GetAsync("/api/layers")).StatusCode);
    }
}
