using System.Net.Http.Json;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Teams;

[Trait("Clock", "sensitive")] // uses "today": ./scripts/test.sh re-runs it under moved clocks
public sealed class TeamsTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task Private_contacts_are_shown_only_to_coordinators_and_the_teams_own_lead()
    {
        var url = $"/api/teams/{Fixture.TraMy}";
        var anonymous = await app.CreateClient().GetStringAsync(url);
        var otherLead = await (await app.LoginAsync("lead3")).GetStringAsync(url);
        var ownLead = await (await app.LoginAsync("lead1")).GetStringAsync(url);
        var coordinator = await (await app.LoginAsync("coord1")).GetStringAsync(url);
        Assert.DoesNotContain("0900000001", anonymous);
        Assert.DoesNotContain("private_phone", anonymous);
        Assert.DoesNotContain("0900000001", otherLead);
        Assert.Contains("0900000001", ownLead);
        Assert.Contains("0900000001", coordinator);
        Assert.Contains("Đội TNTN huyện Bắc Trà My", anonymous);
        Assert.Contains("\"availability\"", anonymous);
        await (await app.CreateClient().GetAsync("/api/teams/99999")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task A_lead_edits_their_own_team_but_not_another()
    {
        var lead = await app.LoginAsync("lead3");
        var response = await lead.PatchAsJsonAsync($"/api/teams/{Fixture.NamTraMy}",
            new { capacity = 9, skills = new[] { "first-aid", "teaching", "construction", "swimming" }, service_radius_m = 25000, private_phone = "0988000111" });
        Assert.Equal(200, (int)response.StatusCode);
        var props = (await response.ReadJsonAsync())["properties"]!;
        Assert.Equal(9, props["capacity"]!.GetValue<int>());
        Assert.Equal(25000, props["service_radius_m"]!.GetValue<int>());
        Assert.Equal("0988000111", props["private_phone"]!.GetValue<string>());

        await (await lead.PatchAsJsonAsync($"/api/teams/{Fixture.TraMy}", new { capacity = 1 })).AssertProblemAsync(403);
        Assert.Equal(12, await app.ScalarAsync<int>("SELECT capacity FROM teams WHERE id = @id", ("id", Fixture.TraMy)));

        var bad = await (await lead.PatchAsJsonAsync($"/api/teams/{Fixture.NamTraMy}", new { capacity = -1, skills = new[] { "flying" }, name = "X" })).AssertProblemAsync(400);
        var detail = bad["detail"]!.GetValue<string>();
        Assert.Contains("capacity", detail);
        Assert.Contains("'name' cannot be edited", detail);
        Assert.Equal(9, await app.ScalarAsync<int>("SELECT capacity FROM teams WHERE id = @id", ("id", Fixture.NamTraMy)));
    }

    [Fact]
    public async Task Availability_set_by_the_lead_decides_whether_the_team_is_matched()
    {
        var lead = await app.LoginAsync("lead1");
        var today = FixtureApiFactory.Today;
        var matchUrl = $"/api/matches?lon=108.06&lat=15.03&skills=construction&from={today.AddDays(100):yyyy-MM-dd}&to={today.AddDays(102):yyyy-MM-dd}&limit=100";
        async Task<bool> Matched() => (await (await app.CreateClient().GetAsync(matchUrl)).ReadJsonAsync())["matches"]!.AsArray()
            .Any(m => m!["team_id"]!.GetValue<long>() == Fixture.TraMy);
        Assert.True(await Matched());

        var put = await lead.PutAsJsonAsync($"/api/teams/{Fixture.TraMy}/availability", new
        {
            periods = new[] { new { from = today.ToString("yyyy-MM-dd"), to = today.AddDays(30).ToString("yyyy-MM-dd") } },
        });
        Assert.Equal(200, (int)put.StatusCode);
        Assert.Single((await put.ReadJsonAsync())["availability"]!.AsArray());
        Assert.False(await Matched());

        var overlapping = await lead.PutAsJsonAsync($"/api/teams/{Fixture.TraMy}/availability", new
        {
            periods = new[] { new { from = "2030-01-01", to = "2030-02-01" }, new { from = "2030-01-15", to = "2030-03-01" } },
        });
        await overlapping.AssertProblemAsync(400);
        Assert.Equal(1, await app.ScalarAsync<int>("SELECT count(*) FROM team_availability WHERE team_id = @id", ("id", Fixture.TraMy)));
        await (await lead.PutAsJsonAsync($"/api/teams/{Fixture.NamTraMy}/availability", new { periods = Array.Empty<object>() })).AssertProblemAsync(403);
    }

    [Fact]
    public async Task An_inactive_team_is_never_matched()
    {
        var coordinator = await app.LoginAsync("coord1");
        var url = "/api/matches?lon=108.06&lat=15.03&skills=logistics&limit=100";
        Assert.Contains((await (await app.CreateClient().GetAsync(url)).ReadJsonAsync())["matches"]!.AsArray(), m => m!["team_id"]!.GetValue<long>() == Fixture.SpareB);
        Assert.Equal(200, (int)(await coordinator.PatchAsJsonAsync($"/api/teams/{Fixture.SpareB}", new { status = "inactive" })).StatusCode);
        Assert.DoesNotContain((await (await app.CreateClient().GetAsync(url)).ReadJsonAsync())["matches"]!.AsArray(), m => m!["team_id"]!.GetValue<long>() == Fixture.SpareB);
    }
}
