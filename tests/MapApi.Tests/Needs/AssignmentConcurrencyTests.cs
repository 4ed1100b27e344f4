using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Needs.NeedRequests;

namespace ResourceMap.Tests.Needs;

/// <summary>Two coordinators acting at the same moment must never over-book a need or a team.</summary>
public sealed class AssignmentConcurrencyTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task Two_parallel_proposals_that_together_exceed_the_need_get_one_201_and_one_409()
    {
        var (first, second) = (await app.LoginAsync("coord1"), await app.LoginAsync("coord2"));
        var id = (await CreateAsync(first, VillageNeed(volunteers: 5, skills: ["logistics"], startInDays: 40)))["id"]!.GetValue<long>();

        var responses = await Task.WhenAll(ProposeAsync(first, id, Fixture.SpareB, 4), ProposeAsync(second, id, Fixture.SpareC, 4));

        Assert.Equal([201, 409], responses.Select(r => (int)r.StatusCode).Order());
        var loser = responses.Single(r => (int)r.StatusCode == 409);
        var problem = await loser.AssertProblemAsync(409);
        Assert.Contains("over-book need", problem["detail"]!.GetValue<string>());
        Assert.Equal(4, await app.ScalarAsync<int>("SELECT sum(volunteers) FROM assignments WHERE need_id = @id AND status IN ('proposed', 'accepted')", ("id", id)));
    }

    [Fact]
    public async Task Two_parallel_proposals_of_one_team_for_overlapping_needs_never_exceed_its_capacity()
    {
        var (first, second) = (await app.LoginAsync("coord1"), await app.LoginAsync("coord2"));
        // SpareA has 6 places; two needs in overlapping windows ask for 5 each.
        var a = (await CreateAsync(first, VillageNeed(volunteers: 5, skills: ["logistics"], startInDays: 50, days: 4)))["id"]!.GetValue<long>();
        var b = (await CreateAsync(first, VillageNeed(volunteers: 5, skills: ["logistics"], startInDays: 52, days: 4)))["id"]!.GetValue<long>();

        var responses = await Task.WhenAll(ProposeAsync(first, a, Fixture.SpareA, 5), ProposeAsync(second, b, Fixture.SpareA, 5));

        Assert.Equal([201, 409], responses.Select(r => (int)r.StatusCode).Order());
        var problem = await responses.Single(r => (int)r.StatusCode == 409).AssertProblemAsync(409);
        Assert.Contains("free places", problem["detail"]!.GetValue<string>());
        Assert.Equal(5, await app.ScalarAsync<int>("SELECT sum(volunteers) FROM assignments WHERE team_id = @t AND status IN ('proposed', 'accepted')", ("t", Fixture.SpareA)));

        // The losing need can still take the place left (1), and a team busy elsewhere drops out of its matches.
        var winner = await app.ScalarAsync<long>("SELECT need_id FROM assignments WHERE team_id = @t AND status = 'proposed'", ("t", Fixture.SpareA));
        var loserNeed = winner == a ? b : a;
        var matches = await (await first.GetAsync($"/api/needs/{loserNeed}/matches")).ReadJsonAsync();
        var spare = matches["matches"]!.AsArray().Single(m => m!["team_id"]!.GetValue<long>() == Fixture.SpareA)!;
        Assert.Equal(1, spare["free_capacity"]!.GetValue<int>());
    }

    [Fact]
    public async Task Many_parallel_proposals_for_one_need_fill_it_exactly()
    {
        var coordinators = new[] { await app.LoginAsync("coord1"), await app.LoginAsync("coord2") };
        // Needs 3; five teams offer 1 each at once → exactly three win.
        var id = (await CreateAsync(coordinators[0], VillageNeed(volunteers: 3, skills: ["first-aid"], startInDays: 200)))["id"]!.GetValue<long>();
        long[] teams = [Fixture.TraMy, Fixture.TamKy, Fixture.NamTraMy, Fixture.ServiceArea, Fixture.Unavailable];
        var responses = await Task.WhenAll(teams.Select((t, i) => ProposeAsync(coordinators[i % 2], id, t, 1)));
        Assert.Equal(3, responses.Count(r => (int)r.StatusCode == 201));
        Assert.Equal(2, responses.Count(r => (int)r.StatusCode == 409));
        Assert.Equal(3, await app.ScalarAsync<int>("SELECT sum(volunteers) FROM assignments WHERE need_id = @id AND status = 'proposed'", ("id", id)));
        Assert.Equal(1, await app.ScalarAsync<int>("SELECT count(*) FROM need_status_history WHERE need_id = @id AND to_status = 'proposed'", ("id", id)));
    }
}
