using System.Net.Http.Json;
using ResourceMap.Api.Auth;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Auth;

public sealed class AuthTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task A_coordinator_gets_a_bearer_token_and_sees_who_they_are()
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username = "coord1", password = FixtureApiFactory.Password });
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(15 * 60, body["expires_in"]!.GetValue<int>());
        Assert.Equal(43, body["refresh_token"]!.GetValue<string>().Length);
        Assert.Equal("coord1", body["user"]!["username"]!.GetValue<string>());
        Assert.Equal("coordinator", body["user"]!["role"]!.GetValue<string>());
        Assert.Null(body["user"]!["team_id"]);
        Assert.Equal(3, body["access_token"]!.GetValue<string>().Split('.').Length);

        var me = await (await app.LoginAsync("lead3")).GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/auth/me");
        Assert.Equal("team-lead", me!["role"]!.GetValue<string>());
        Assert.Equal(Fixture.NamTraMy, me["team_id"]!.GetValue<long>());
        Assert.Equal("Người dùng lead3", me["display_name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("coord1", "wrong-password")]
    [InlineData("nobody", FixtureApiFactory.Password)]
    public async Task Bad_credentials_are_a_401_problem(string username, string password)
    {
        var problem = await (await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password })).AssertProblemAsync(401);
        Assert.Equal("Unknown username or wrong password.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Me_without_a_token_is_a_401_problem()
    {
        await (await app.CreateClient().GetAsync("/api/auth/me")).AssertProblemAsync(401);
    }

    [Fact]
    public void Passwords_are_salted_PBKDF2_with_at_least_100k_iterations()
    {
        var a = PasswordHasher.Hash("mật khẩu dài 123");
        var b = PasswordHasher.Hash("mật khẩu dài 123");
        Assert.NotEqual(a, b); // per-user salt
        var parts = a.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1]) >= 100_000);
        Assert.True(PasswordHasher.Verify("mật khẩu dài 123", a));
        Assert.False(PasswordHasher.Verify("mật khẩu dài 124", a));
        Assert.False(PasswordHasher.Verify("x", "garbage"));
    }

    [Fact]
    public async Task Stored_hashes_never_contain_the_password()
    {
        var hash = await app.ScalarAsync<string>("SELECT password_hash FROM users WHERE username = 'coord1'");
        Assert.DoesNotContain(FixtureApiFactory.Password, hash);
        Assert.StartsWith("pbkdf2-sha256$", hash);
    }
}
