using ResourceMap.Api.Auth;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Auth.AuthRequests;

namespace ResourceMap.Tests.Auth;

/// <summary>Per-account throttling: 5 failed sign-ins per username per 15 minutes (the defaults), then 429.</summary>
public sealed class LoginThrottleTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    async Task<string> NewUserAsync()
    {
        var username = $"t{Guid.NewGuid():N}"[..20];
        await using var conn = await app.Sql.OpenConnectionAsync();
        await TestUsers.AddAsync(conn, username, Roles.Coordinator, FixtureApiFactory.Password);
        return username;
    }

    [Fact]
    public async Task Five_failures_lock_the_username_whoever_asks_and_the_answer_does_not_reveal_whether_it_exists()
    {
        var existing = await NewUserAsync();
        var missing = $"ghost-{Guid.NewGuid():N}"[..20];
        var details = new List<string>();
        foreach (var username in new[] { existing, missing })
        {
            for (var i = 0; i < 5; i++)
                await (await SignInAsync(app.CreateClient(), username, $"guess-{i}-wrong")).AssertProblemAsync(401);
            // Even the right password waits now: the guesser cannot tell a hit from a miss.
            var throttled = await SignInAsync(app.CreateClient(), username, FixtureApiFactory.Password);
            var problem = await throttled.AssertProblemAsync(429);
            var retryAfter = (int)throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 14 * 60, 15 * 60);
            details.Add(problem["detail"]!.GetValue<string>());
        }
        Assert.Equal(details[0], details[1]);
        Assert.DoesNotContain(existing, details[0]);
        // Another account is not affected.
        await TokensAsync(app.CreateClient(), await NewUserAsync());
    }

    [Fact]
    public async Task A_successful_sign_in_clears_the_failures()
    {
        var user = await NewUserAsync();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
                await (await SignInAsync(app.CreateClient(), user, "wrong-password")).AssertProblemAsync(401);
            await TokensAsync(app.CreateClient(), user);
        }
    }

    [Fact]
    public async Task Parallel_guesses_cannot_exceed_the_limit()
    {
        var user = await NewUserAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SignInAsync(app.CreateClient(), user, $"parallel-{i}")));
        Assert.Equal(5, answers.Count(a => (int)a.StatusCode == 401));
        Assert.Equal(7, answers.Count(a => (int)a.StatusCode == 429));
    }
}
