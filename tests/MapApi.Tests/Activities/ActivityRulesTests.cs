using System.Net;
using System.Net.Http.Json;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Activities;

public sealed class ActivityRulesTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Scope_and_team_rules_hold_and_refused_requests_write_nothing()
    {
        var before = await app.ScalarAsync("SELECT count(*) FROM activities");
        var today = VietnamTime.Today;
        // C2's coordinator records nothing in C1; a team lead records nothing for another team; the anonymous nothing at all.
        await (await app.LoginAsync("coordc2")).PostActivityAsync(new { name = "Ngoài phạm vi", started_on = today, lon = 108.06, lat = 15.03 }, expect: 403);
        await (await app.LoginAsync("lead3")).PostActivityAsync(new { name = "Đội khác", started_on = today, lon = 108.06, lat = 15.03, team_id = 2 }, expect: 403);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/activities", new { name = "x" })).StatusCode);
        // Bad input: every reason at once.
        var problem = await (await app.LoginAsync("coord1")).PostAsJsonAsync("/api/activities",
            new { name = "", started_on = today, lon = 200.0, lat = 15.0, participants = -3, outputs = new Dictionary<string, decimal> { ["Cây Xanh"] = 1 } });
        var detail = (await problem.AssertProblemAsync(400))["detail"]!.GetValue<string>();
        foreach (var part in new[] { "name", "lon", "participants", "outputs" }) Assert.Contains(part, detail);
        var badKey = new HttpRequestMessage(HttpMethod.Post, "/api/activities") { Content = JsonContent.Create(new { name = "x", started_on = today, lon = 108.06, lat = 15.03 }) };
        badKey.Headers.Add("Idempotency-Key", "short");
        await (await (await app.LoginAsync("coord1")).SendAsync(badKey)).AssertProblemAsync(400);
        Assert.Equal(before, await app.ScalarAsync("SELECT count(*) FROM activities"));
    }

    [Fact]
    public async Task The_workflow_refuses_wrong_moves_and_approved_activities_are_frozen_and_public()
    {
        var lead = await app.LoginAsync("lead3");
        var coord = await app.LoginAsync("coord1");
        var id = (await lead.PostActivityAsync(new { name = "Sửa nhà tạm", started_on = VietnamTime.Today, admin_code = "C1", participants = 12 }))["id"]!.GetValue<long>();
        Assert.Equal("C1", await app.ScalarAsync("SELECT unit_code FROM activities WHERE id = @id", ("id", id)));
        Assert.Equal(HttpStatusCode.OK, (await lead.PatchAsJsonAsync($"/api/activities/{id}", new { participants = 14 })).StatusCode);
        await lead.TransitionAsync(id, "approved", expect: 409);
        await lead.TransitionAsync(id, "submitted");
        await lead.TransitionAsync(id, "submitted", expect: 409);
        await (await app.LoginAsync("coordc2")).TransitionAsync(id, "approved", expect: 404); // outside C2's scope
        await coord.TransitionAsync(id, "approved");
        await (await lead.PatchAsJsonAsync($"/api/activities/{id}", new { participants = 99 })).AssertProblemAsync(409);
        Assert.Equal(14, await app.ScalarAsync("SELECT participants FROM activities WHERE id = @id", ("id", id)));
        // Public now: in the list, in the map layer (its existing properties intact), without private fields.
        var anon = app.CreateClient();
        var list = await (await anon.GetAsync("/api/activities?unit=C1")).ReadJsonAsync();
        Assert.Contains(list["activities"]!.AsArray(), a => a!["id"]!.GetValue<long>() == id);
        var feature = await (await anon.GetAsync($"/api/layers/activities/features/{id}")).ReadJsonAsync();
        Assert.Equal("Sửa nhà tạm", feature["properties"]!["name"]!.GetValue<string>());
        Assert.Equal(14, feature["properties"]!["participants"]!.GetValue<int>());
        Assert.Null(feature["properties"]!["private_notes"]);
        // Returned again by the coordinator: gone from the public layer.
        await coord.TransitionAsync(id, "returned", note: "Bổ sung ảnh");
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/layers/activities/features/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/activities/{id}")).StatusCode);
    }
}
