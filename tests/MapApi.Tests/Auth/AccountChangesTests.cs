using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Auth.AuthRequests;

namespace ResourceMap.Tests.Auth;

/// <summary>
/// Short-lived access tokens, rotating refresh tokens, and account changes (`users passwd | set-role | disable`)
/// that take effect on the next request. Each test uses its own account, so the tests share the fixture safely.
/// </summary>
public sealed class AccountChangesTests(FixtureApiFactory fixture) : IClassFixture<FixtureApiFactory>, IDisposable
{
    // An account cache of 1 ms (none, in effect): a change must show on the very next request.
    readonly WebApplicationFactory<Program> app = fixture.Instance(("RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS", "1"));

    public void Dispose() => app.Dispose();

    async Task<string> NewUserAsync(string role = Roles.Coordinator, long? team = null)
    {
        var username = $"u{Guid.NewGuid():N}"[..20];
        await using var conn = await fixture.Sql.OpenConnectionAsync();
        await TestUsers.AddAsync(conn, username, role, FixtureApiFactory.Password, team);
        return username;
    }

    Task<int> UsersAsync(string? password, params string[] args) => UserCommands.RunAsync(fixture.Sql, ["users", .. args], password);

    [Fact]
    public async Task Sign_in_gives_a_15_minute_access_token_and_a_refresh_token_stored_only_as_a_hash()
    {
        var user = await NewUserAsync();
        var tokens = await TokensAsync(app.CreateClient(), user);
        Assert.Equal(15 * 60, tokens["expires_in"]!.GetValue<int>());
        Assert.Equal(12 * 3600, tokens["refresh_expires_in"]!.GetValue<int>());
        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        var refresh = tokens.Refresh();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", refresh); // 256 random bits
        Assert.Equal(1, await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM refresh_tokens WHERE token_hash = sha256(convert_to(@t, 'UTF8'))", ("t", refresh)));
        Assert.Equal(0, await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM refresh_tokens WHERE position(convert_to(@t, 'UTF8') IN token_hash) > 0", ("t", refresh)));

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.Access());
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task The_access_token_lifetime_is_a_setting()
    {
        using var shortLived = fixture.Instance(("RESOURCEMAP_ACCESS_TOKEN_MINUTES", "2"));
        var tokens = await TokensAsync(shortLived.CreateClient(), await NewUserAsync());
        Assert.Equal(120, tokens["expires_in"]!.GetValue<int>());
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.Access());
        Assert.Equal(TimeSpan.FromMinutes(2), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_a_reused_one_ends_the_session()
    {
        var client = app.CreateClient();
        var first = await TokensAsync(client, await NewUserAsync());

        var second = await (await RefreshAsync(client, first.Refresh())).ReadJsonAsync();
        Assert.NotEqual(first.Refresh(), second.Refresh());
        Assert.Equal(200, (int)(await MeAsync(client, second.Access())).StatusCode);
        Assert.Equal("coordinator", second["user"]!["role"]!.GetValue<string>());

        // The first token again: someone holds a copy. The whole session ends, the legitimate successor included.
        var reuse = await (await RefreshAsync(client, first.Refresh())).AssertProblemAsync(401);
        Assert.Contains("already used", reuse["detail"]!.GetValue<string>());
        await (await RefreshAsync(client, second.Refresh())).AssertProblemAsync(401);
        await (await MeAsync(client, second.Access())).AssertProblemAsync(401);
        Assert.Equal("reuse", await fixture.ScalarAsync<string>(
            "SELECT s.revoked_reason FROM auth_sessions s JOIN refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = sha256(convert_to(@t, 'UTF8'))",
            ("t", second.Refresh())));
    }

    [Fact]
    public async Task Malformed_or_unknown_refresh_tokens_are_refused_without_detail()
    {
        var client = app.CreateClient();
        await (await client.PostAsJsonAsync("/api/auth/refresh", new { })).AssertProblemAsync(400);
        await (await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = "x", extra = 1 })).AssertProblemAsync(400);
        await (await RefreshAsync(client, "not-a-token")).AssertProblemAsync(401);
        await (await RefreshAsync(client, new string('A', 43))).AssertProblemAsync(401);
        Assert.Equal(204, (int)(await LogoutAsync(client, new string('A', 43))).StatusCode);
    }

    [Fact]
    public async Task Logout_ends_the_refresh_token_and_the_access_tokens_of_the_session_only()
    {
        var client = app.CreateClient();
        var user = await NewUserAsync();
        var phone = await TokensAsync(client, user);
        var laptop = await TokensAsync(client, user);

        Assert.Equal(204, (int)(await LogoutAsync(client, phone.Refresh())).StatusCode);
        await (await RefreshAsync(client, phone.Refresh())).AssertProblemAsync(401);
        await (await MeAsync(client, phone.Access())).AssertProblemAsync(401);
        // Another sign-in of the same account goes on.
        Assert.Equal(200, (int)(await MeAsync(client, laptop.Access())).StatusCode);
        Assert.Equal(200, (int)(await RefreshAsync(client, laptop.Refresh())).StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_is_refused_at_once_and_cannot_refresh_or_sign_in()
    {
        var client = app.CreateClient();
        var user = await NewUserAsync();
        var tokens = await TokensAsync(client, user);
        Assert.Equal(200, (int)(await MeAsync(client, tokens.Access())).StatusCode);

        Assert.Equal(0, await UsersAsync(null, "disable", user));

        var refused = await (await MeAsync(client, tokens.Access())).AssertProblemAsync(401);
        Assert.Equal("This account is disabled.", refused["detail"]!.GetValue<string>());
        // A write with the old token changes nothing.
        var needs = await fixture.ScalarAsync<long>("SELECT count(*) FROM needs");
        var write = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = JsonContent.Create(Needs.NeedRequests.VillageNeed()) };
        write.Headers.Authorization = new("Bearer", tokens.Access());
        await (await client.SendAsync(write)).AssertProblemAsync(401);
        Assert.Equal(needs, await fixture.ScalarAsync<long>("SELECT count(*) FROM needs"));

        await (await RefreshAsync(client, tokens.Refresh())).AssertProblemAsync(401);
        var signIn = await (await SignInAsync(client, user, FixtureApiFactory.Password)).AssertProblemAsync(401);
        Assert.Equal("This account is disabled.", signIn["detail"]!.GetValue<string>());

        Assert.Equal(0, await UsersAsync(null, "enable", user));
        await TokensAsync(client, user);
    }

    [Fact]
    public async Task A_new_role_refuses_the_old_token_and_the_next_sign_in_carries_the_new_one()
    {
        var client = app.CreateClient();
        var user = await NewUserAsync();
        var tokens = await TokensAsync(client, user);

        Assert.Equal(0, await UsersAsync(null, "set-role", user, "team-lead", "--team", Fixture.NamTraMy.ToString()));

        var refused = await (await MeAsync(client, tokens.Access())).AssertProblemAsync(401);
        Assert.Contains("changed", refused["detail"]!.GetValue<string>());
        await (await RefreshAsync(client, tokens.Refresh())).AssertProblemAsync(401);
        var fresh = await TokensAsync(client, user);
        Assert.Equal("team-lead", fresh["user"]!["role"]!.GetValue<string>());
        Assert.Equal(Fixture.NamTraMy, fresh["user"]!["team_id"]!.GetValue<long>());

        // A scope is a change too.
        Assert.Equal(0, await UsersAsync(null, "set-role", user, "coordinator", "--scope", "506"));
        await (await MeAsync(client, fresh.Access())).AssertProblemAsync(401);
        Assert.Equal("506", (await TokensAsync(client, user))["user"]!["admin_scope_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_password_revokes_refresh_tokens_and_the_old_password()
    {
        var client = app.CreateClient();
        var user = await NewUserAsync();
        var tokens = await TokensAsync(client, user);

        Assert.Equal(0, await UsersAsync("a-new-password-2026", "passwd", user));

        await (await RefreshAsync(client, tokens.Refresh())).AssertProblemAsync(401);
        await (await MeAsync(client, tokens.Access())).AssertProblemAsync(401);
        await (await SignInAsync(client, user, FixtureApiFactory.Password)).AssertProblemAsync(401);
        await TokensAsync(client, user, "a-new-password-2026");
        Assert.Equal("account-changed", await fixture.ScalarAsync<string>(
            "SELECT s.revoked_reason FROM auth_sessions s JOIN refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = sha256(convert_to(@t, 'UTF8'))",
            ("t", tokens.Refresh())));
    }

    [Fact]
    public async Task Commands_refuse_bad_input_and_change_nothing()
    {
        var user = await NewUserAsync();
        var version = await fixture.ScalarAsync<int>("SELECT account_version FROM users WHERE username = @u", ("u", user));
        Assert.Equal(2, await UsersAsync("short", "passwd", user));
        Assert.Equal(1, await UsersAsync("long-enough-password", "passwd", "nobody-here"));
        Assert.Equal(2, await UsersAsync(null, "set-role", user, "admin"));
        Assert.Equal(2, await UsersAsync(null, "set-role", user, "team-lead"));
        Assert.Equal(1, await UsersAsync(null, "set-role", user, "team-lead", "--team", "99999"));
        Assert.Equal(1, await UsersAsync(null, "set-role", user, "coordinator", "--scope", "no-such-unit"));
        Assert.Equal(2, await UsersAsync(null, "set-role", user, "team-lead", "--team", "3", "--scope", "506"));
        Assert.Equal(1, await UsersAsync(null, "disable", "nobody-here"));
        Assert.Equal(2, await UsersAsync(null, "frobnicate", user));
        Assert.Equal(version, await fixture.ScalarAsync<int>("SELECT account_version FROM users WHERE username = @u", ("u", user)));
    }

    [Fact]
    public async Task With_the_default_cache_a_change_is_seen_within_a_few_seconds()
    {
        using var cached = fixture.Instance(); // RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS default: 2000
        var client = cached.CreateClient();
        var user = await NewUserAsync();
        var tokens = await TokensAsync(client, user);
        Assert.Equal(200, (int)(await MeAsync(client, tokens.Access())).StatusCode); // now cached

        Assert.Equal(0, await UsersAsync(null, "disable", user));
        var clock = Stopwatch.StartNew();
        while ((int)(await MeAsync(client, tokens.Access())).StatusCode == 200)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), "a disabled account was still served after 4 s");
            await Task.Delay(100);
        }
        await (await MeAsync(client, tokens.Access())).AssertProblemAsync(401);
    }
}
