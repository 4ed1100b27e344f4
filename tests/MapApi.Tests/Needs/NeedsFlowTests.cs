using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ResourceMap.Tests.Infrastructure;
using static ResourceMap.Tests.Needs.NeedRequests;

namespace ResourceMap.Tests.Needs;

/// <summary>The coordinator's whole path: record a need in a Nam Trà My hardship village, match, propose, accept, carry out, close.</summary>
[Trait("Clock", "sensitive")] // uses "today": ./scripts/test.sh re-runs it under moved clocks
public sealed class NeedsFlowTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task A_need_in_a_Nam_Tra_My_village_goes_from_open_to_done_with_every_step_recorded()
    {
        var coordinator = await app.LoginAsync("coord1");
        var need = await CreateAsync(coordinator, VillageNeed(volunteers: 6));
        var id = need["id"]!.GetValue<long>();
        Assert.Equal("Feature", need["type"]!.GetValue<string>());
        var props = need["properties"]!;
        Assert.Equal("open", props["status"]!.GetValue<string>());
        Assert.Equal("506", props["admin_code"]!.GetValue<string>());
        Assert.Equal("Hồ Văn Bí Mật", props["restricted_details"]!["beneficiaries"]![0]!["name"]!.GetValue<string>());
        // The need sits on the village's point.
        var coords = need["geometry"]!["coordinates"]!.AsArray();
        Assert.Equal(108.06, coords[0]!.GetValue<double>(), 6);
        Assert.Equal(15.03, coords[1]!.GetValue<double>(), 6);

        // Matches: the best team is proposed for all six volunteers.
        var matches = (await (await coordinator.GetAsync($"/api/needs/{id}/matches?min_coverage=1")).ReadJsonAsync())["matches"]!.AsArray();
        Assert.NotEmpty(matches);
        var best = matches.Select(m => m!).First(m => m["free_capacity"]!.GetValue<int>() >= 6);
        var teamId = best["team_id"]!.GetValue<long>();

        var proposed = await ProposeAsync(coordinator, id, teamId, 6);
        Assert.Equal(201, (int)proposed.StatusCode);
        var assignment = await proposed.ReadJsonAsync();
        Assert.Equal("proposed", assignment["status"]!.GetValue<string>());
        Assert.Equal("proposed", assignment["need_status"]!.GetValue<string>());
        var aid = assignment["id"]!.GetValue<long>();

        // The lead of another team may not accept for this one.
        var otherLead = await app.LoginAsync(teamId == Fixture.NamTraMy ? "lead1" : "lead3");
        await (await otherLead.PostAsync($"/api/needs/{id}/assignments/{aid}/accept", null)).AssertProblemAsync(403);

        var accepted = await coordinator.PostAsync($"/api/needs/{id}/assignments/{aid}/accept", null);
        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal("accepted", (await accepted.ReadJsonAsync())["need_status"]!.GetValue<string>());
        Assert.True(await app.ScalarAsync<bool>("SELECT last_assigned_at > now() - interval '1 minute' FROM teams WHERE id = @id", ("id", teamId)));
        // Accepting twice is a conflict, not a silent success.
        await (await coordinator.PostAsync($"/api/needs/{id}/assignments/{aid}/accept", null)).AssertProblemAsync(409);

        Assert.Equal(200, (int)(await TransitionAsync(coordinator, id, "in-progress", "Đội đã lên đường")).StatusCode);
        var done = await TransitionAsync(coordinator, id, "done", "Hoàn thành 2 nhà");
        Assert.Equal(200, (int)done.StatusCode);
        var final = (await done.ReadJsonAsync())["properties"]!;
        Assert.Equal("done", final["status"]!.GetValue<string>());
        Assert.Empty(final["next_statuses"]!.AsArray());

        var history = final["status_history"]!.AsArray().Select(h => (h!["from"]?.GetValue<string>(), h["to"]!.GetValue<string>())).ToList();
        Assert.Equal([(null, "open"), ("open", "proposed"), ("proposed", "accepted"), ("accepted", "in-progress"), ("in-progress", "done")], history);
        Assert.All(final["status_history"]!.AsArray(), h => Assert.Equal("coord1", h!["by"]!.GetValue<string>()));
        Assert.Equal("Hoàn thành 2 nhà", final["status_history"]![4]!["note"]!.GetValue<string>());

        // Done records the activity and marks the village served.
        Assert.Equal(6, await app.ScalarAsync<int>("SELECT sum(participants) FROM activities WHERE need_id = @id AND team_id = @t", ("id", id), ("t", teamId)));
        Assert.True(await app.ScalarAsync<bool>("SELECT last_served_on = rm_today() FROM hardship_villages WHERE id = 1"));

        // done is final.
        var invalid = await (await TransitionAsync(coordinator, id, "in-progress")).AssertProblemAsync(409);
        Assert.Contains("cannot go from done to in-progress", invalid["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_anonymous_view_never_shows_restricted_details()
    {
        var coordinator = await app.LoginAsync("coord1");
        var id = (await CreateAsync(coordinator, VillageNeed()))["id"]!.GetValue<long>();
        var anonymous = app.CreateClient();

        var one = await anonymous.GetStringAsync($"/api/needs/{id}");
        var list = await anonymous.GetStringAsync("/api/needs?limit=500");
        var layer = await anonymous.GetStringAsync("/api/layers/needs/features?limit=1000");
        var otherLead = await (await app.LoginAsync("lead9")).GetStringAsync($"/api/needs/{id}");
        foreach (var text in new[] { one, list, layer, otherLead })
        {
            Assert.DoesNotContain("restricted_details", text);
            Assert.DoesNotContain("Bí Mật", text);
            Assert.DoesNotContain("0912345678", text);
        }
        Assert.Contains("Hai hộ đồng bào Xơ Đăng", one); // the public summary is public
        Assert.Contains("0912345678", await coordinator.GetStringAsync($"/api/needs/{id}"));
        Assert.Contains("0912345678", await coordinator.GetStringAsync("/api/needs?status=open&limit=500"));
    }

    [Fact]
    public async Task Invalid_and_automatic_transitions_are_409_with_a_clear_message()
    {
        var coordinator = await app.LoginAsync("coord1");
        var id = (await CreateAsync(coordinator, VillageNeed()))["id"]!.GetValue<long>();

        var skip = await (await TransitionAsync(coordinator, id, "done")).AssertProblemAsync(409);
        Assert.Contains("cannot go from open to done", skip["detail"]!.GetValue<string>());
        var byHand = await (await TransitionAsync(coordinator, id, "proposed")).AssertProblemAsync(409);
        Assert.Contains("assignments", byHand["detail"]!.GetValue<string>());
        await (await TransitionAsync(coordinator, id, "flying")).AssertProblemAsync(400);

        Assert.Equal(200, (int)(await TransitionAsync(coordinator, id, "cancelled", "Trùng với đề xuất khác")).StatusCode);
        var final = await (await TransitionAsync(coordinator, id, "open")).AssertProblemAsync(409);
        Assert.Contains("cannot go from cancelled to open", final["detail"]!.GetValue<string>());
        Assert.Equal("cancelled", await app.ScalarAsync<string>("SELECT status FROM needs WHERE id = @id", ("id", id)));
        Assert.Equal(2, await app.ScalarAsync<int>("SELECT count(*) FROM need_status_history WHERE need_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Declining_every_proposal_reopens_the_need_and_frees_the_places()
    {
        var coordinator = await app.LoginAsync("coord1");
        var id = (await CreateAsync(coordinator, VillageNeed(volunteers: 4, skills: ["logistics"], startInDays: 20)))["id"]!.GetValue<long>();
        var a = await (await ProposeAsync(coordinator, id, Fixture.SpareA, 4)).ReadJsonAsync();
        Assert.Equal("proposed", a["need_status"]!.GetValue<string>());

        var lead = await app.LoginAsync("lead9"); // lead of SpareA declines for the team
        var declined = await lead.PostAsJsonAsync($"/api/needs/{id}/assignments/{a["id"]}/decline", new { note = "Đội bận thu hoạch" });
        Assert.Equal(200, (int)declined.StatusCode);
        var body = await declined.ReadJsonAsync();
        Assert.Equal("declined", body["status"]!.GetValue<string>());
        Assert.Equal("open", body["need_status"]!.GetValue<string>());

        // The places are free again: the same team can be proposed anew.
        Assert.Equal(201, (int)(await ProposeAsync(coordinator, id, Fixture.SpareA, 4)).StatusCode);
    }

    [Fact]
    public async Task The_lead_of_the_accepted_team_accepts_carries_out_and_sees_the_beneficiaries_others_do_not()
    {
        var coordinator = await app.LoginAsync("coord1");
        var id = (await CreateAsync(coordinator, VillageNeed(volunteers: 2, skills: ["teaching"], startInDays: 90)))["id"]!.GetValue<long>();
        var aid = (await (await ProposeAsync(coordinator, id, Fixture.NamTraMy, 2)).ReadJsonAsync())["id"]!.GetValue<long>();
        var lead = await app.LoginAsync("lead3");
        var other = await app.LoginAsync("lead1");

        Assert.DoesNotContain("0912345678", await lead.GetStringAsync($"/api/needs/{id}")); // proposed only: not yet
        var accepted = await lead.PostAsync($"/api/needs/{id}/assignments/{aid}/accept", null);
        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal("accepted", (await accepted.ReadJsonAsync())["need_status"]!.GetValue<string>());
        Assert.Contains("0912345678", await lead.GetStringAsync($"/api/needs/{id}"));
        Assert.DoesNotContain("0912345678", await other.GetStringAsync($"/api/needs/{id}"));

        await (await TransitionAsync(other, id, "in-progress")).AssertProblemAsync(403);
        await (await TransitionAsync(lead, id, "cancelled")).AssertProblemAsync(403); // leads only carry out
        Assert.Equal(200, (int)(await TransitionAsync(lead, id, "in-progress")).StatusCode);
        var done = await TransitionAsync(lead, id, "done", "Đã dạy xong 3 buổi");
        Assert.Equal(200, (int)done.StatusCode);
        Assert.Equal("lead3", (await done.ReadJsonAsync())["properties"]!["status_history"]!.AsArray().Last()!["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Team_lead_sees_needs_near_the_team_it_can_serve()
    {
        var coordinator = await app.LoginAsync("coord1");
        var id = (await CreateAsync(coordinator, VillageNeed(skills: ["teaching"], startInDays: 30)))["id"]!.GetValue<long>();
        var nearby = await (await app.CreateClient().GetAsync($"/api/teams/{Fixture.NamTraMy}/nearby-needs?limit=100")).ReadJsonAsync();
        var found = nearby["needs"]!.AsArray().Single(n => n!["need_id"]!.GetValue<long>() == id)!;
        Assert.Equal(["teaching"], found["skills_covered"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.True(found["available"]!.GetValue<bool>());
        Assert.Contains("kỹ năng", found["reasons_vi"]!.GetValue<string>());
        var scores = nearby["needs"]!.AsArray().Select(n => n!["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);

        // The swimming club has none of the skills: the need is not offered to it.
        var swim = await (await app.CreateClient().GetAsync($"/api/teams/{Fixture.SwimOnly}/nearby-needs?limit=100")).ReadJsonAsync();
        Assert.DoesNotContain(swim["needs"]!.AsArray(), n => n!["need_id"]!.GetValue<long>() == id);
    }
}
