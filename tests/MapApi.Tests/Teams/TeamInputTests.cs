using System.Text;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Teams;

public sealed class TeamInputTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"public_url":"javascript:alert(document.cookie)"}""")]
    [InlineData("""{"public_url":"data:text/html,<script>alert(1)</script>"}""")]
    [InlineData("""{"public_url":"www.example.org"}""")]
    [InlineData("""{"public_email":"not an address"}""")]
    [InlineData("""{"capacity":1,"capacity":2}""")]
    public async Task Unsafe_or_malformed_edits_get_a_400_and_change_nothing(string body)
    {
        var lead = await app.LoginAsync("lead3");
        var before = await app.ScalarAsync<string>("SELECT concat_ws('|', public_url, public_email, capacity) FROM teams WHERE id = @id", ("id", Fixture.NamTraMy));
        var response = await lead.PatchAsync($"/api/teams/{Fixture.NamTraMy}", JsonBody(body));
        await response.AssertProblemAsync(400);
        Assert.Equal(before, await app.ScalarAsync<string>("SELECT concat_ws('|', public_url, public_email, capacity) FROM teams WHERE id = @id", ("id", Fixture.NamTraMy)));
    }

    [Fact]
    public async Task A_web_address_is_accepted()
    {
        var lead = await app.LoginAsync("lead3");
        var response = await lead.PatchAsync($"/api/teams/{Fixture.NamTraMy}", JsonBody("""{"public_url":"https://doan.example.org/nam-tra-my"}"""));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("https://doan.example.org/nam-tra-my", await app.ScalarAsync<string>("SELECT public_url FROM teams WHERE id = @id", ("id", Fixture.NamTraMy)));
    }
}
