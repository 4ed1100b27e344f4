using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Auth.AuthRequests;

namespace ResourceMap.Tests.Auth;

/// <summary>
/// Two API instances on one database (two hosts: own services, caches and key loaders), neither with
/// RESOURCEMAP_JWT_KEY: what one issues the other honours, and the sign-in throttle is one.
/// </summary>
public sealed class MultiInstanceTests(FixtureApiFactory a) : IClassFixture<FixtureApiFactory>, IDisposable
{
    readonly WebApplicationFactory<Program> b = a.Instance(("RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS", "1"));

    public void Dispose() => b.Dispose();

    async Task<string> NewUserAsync()
    {
        var username = $"m{Guid.NewGuid():N}"[..20];
        await using var conn = await a.Sql.OpenConnectionAsync();
        await TestUsers.AddAsync(conn, username, Roles.Coordinator, FixtureApiFactory.Password);
        return username;
    }

    [Fact]
    public async Task A_token_issued_by_one_instance_is_accepted_by_the_other()
    {
        Assert.NotSame(a.Services.GetRequiredService<TokenIssuer>(), b.Services.GetRequiredService<TokenIssuer>());
        var user = await NewUserAsync();
        var fromA = await TokensAsync(a.CreateClient(), user);
        var me = await (await MeAsync(b.CreateClient(), fromA.Access())).ReadJsonAsync();
        Assert.Equal(user, me["username"]!.GetValue<string>());
        var fromB = await TokensAsync(b.CreateClient(), user);
        Assert.Equal(200, (int)(await MeAsync(a.CreateClient(), fromB.Access())).StatusCode);

        // The shared key is the one generated once into the database.
        Assert.Equal(1, await a.ScalarAsync<long>("SELECT count(*) FROM signing_keys"));
        // An instance with another key refuses them (the check can fail).
        using var other = a.Instance(("RESOURCEMAP_JWT_KEY", "another-key-of-at-least-32-bytes-000000"));
        await (await MeAsync(other.CreateClient(), fromA.Access())).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_refresh_token_from_one_instance_works_on_the_other_and_reuse_is_seen_by_both()
    {
        var user = await NewUserAsync();
        var fromA = await TokensAsync(a.CreateClient(), user);
        var onB = await RefreshAsync(b.CreateClient(), fromA.Refresh());
        Assert.Equal(200, (int)onB.StatusCode);
        var rotated = await onB.ReadJsonAsync();
        Assert.Equal(200, (int)(await MeAsync(a.CreateClient(), rotated.Access())).StatusCode);

        // Replaying A's original token on A: the session ends on both instances.
        await (await RefreshAsync(a.CreateClient(), fromA.Refresh())).AssertProblemAsync(401);
        await (await RefreshAsync(b.CreateClient(), rotated.Refresh())).AssertProblemAsync(401);
        await (await MeAsync(b.CreateClient(), rotated.Access())).AssertProblemAsync(401);
    }

    [Fact]
    public async Task The_sign_in_throttle_is_shared()
    {
        var user = await NewUserAsync();
        for (var i = 0; i < 3; i++)
            await (await SignInAsync(a.CreateClient(), user, "wrong-on-a")).AssertProblemAsync(401);
        for (var i = 0; i < 2; i++)
            await (await SignInAsync(b.CreateClient(), user, "wrong-on-b")).AssertProblemAsync(401);
        // Five failures in all: the sixth attempt is refused on either instance.
        await (await SignInAsync(b.CreateClient(), user, FixtureApiFactory.Password)).AssertProblemAsync(429);
        await (await SignInAsync(a.CreateClient(), user, FixtureApiFactory.Password)).AssertProblemAsync(429);
    }

    [Fact]
    public async Task A_change_made_through_one_instance_database_is_seen_by_the_other_at_once()
    {
        var user = await NewUserAsync();
        var fromA = await TokensAsync(a.CreateClient(), user);
        Assert.Equal(200, (int)(await MeAsync(b.CreateClient(), fromA.Access())).StatusCode);
        Assert.Equal(204, (int)(await LogoutAsync(a.CreateClient(), fromA.Refresh())).StatusCode);
        await (await MeAsync(b.CreateClient(), fromA.Access())).AssertProblemAsync(401);
    }
}
