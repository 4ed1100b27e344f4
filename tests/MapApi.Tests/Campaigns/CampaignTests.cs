using System.Net;
using System.Net.Http.Json;
using ResourceMap.Tests.Activities;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Campaigns;

public sealed class CampaignTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Bad_campaigns_are_refused_with_every_reason_and_nothing_is_written()
    {
        var coord = await app.LoginAsync("coord1");
        var before = await app.ScalarAsync("SELECT count(*) FROM campaigns");
        var body = await (await coord.PostAsJsonAsync("/api/campaigns", new
        {
            name = "", starts_on = "2026-05-01", ends_on = "2026-04-01", unit_code = "48", union_level = "village",
            indicators = new object[] { new { code = "Trees!", label = "Cây", measure_unit = "cây", target = -1 } },
        })).AssertProblemAsync(400);
        var detail = body["detail"]!.GetValue<string>();
        foreach (var part in new[] { "name", "ends_on", "union_level", "code", "target" }) Assert.Contains(part, detail);
        await (await coord.PostAsJsonAsync("/api/campaigns", new { name = "X", starts_on = "2026-01-01", ends_on = "2026-02-01", unit_code = "99999", union_level = "province" }))
            .AssertProblemAsync(400);
        await (await coord.PostAsJsonAsync("/api/campaigns", new { name = "X", starts_on = "2026-01-01", ends_on = "2026-02-01", unit_code = "48", union_level = "province", colour = "red" }))
            .AssertProblemAsync(400); // unknown member
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.LoginAsync("lead3")).PostAsJsonAsync("/api/campaigns", new { name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/campaigns", new { name = "X" })).StatusCode);
        // A coordinator scoped to commune C2 cannot organise a campaign for the whole province.
        await (await (await app.LoginAsync("coordc2")).PostAsJsonAsync("/api/campaigns",
            new { name = "X", starts_on = "2026-01-01", ends_on = "2026-02-01", unit_code = "48", union_level = "province" })).AssertProblemAsync(400);
        Assert.Equal(before, await app.ScalarAsync("SELECT count(*) FROM campaigns"));
    }

    [Fact]
    public async Task A_campaign_is_created_read_and_patched_with_its_indicators()
    {
        var coord = await app.LoginAsync("coord1");
        var created = await coord.PostAsJsonAsync("/api/campaigns", new
        {
            name = "Chủ nhật xanh", starts_on = "2026-03-01", ends_on = "2026-03-31", unit_code = "C1", union_level = "commune",
            indicators = new object[] { new { code = "trees_planted", label = "Trồng cây", measure_unit = "cây", target = 500 } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<long>();
        var patched = await coord.PatchAsJsonAsync($"/api/campaigns/{id}", new
        {
            ends_on = "2026-04-15",
            indicators = new object[]
            {
                new { code = "trees_planted", label = "Trồng cây", measure_unit = "cây", target = 800 },
                new { code = "swimming_classes", label = "Lớp dạy bơi", measure_unit = "lớp", target = 70 },
            },
        });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var read = await (await app.CreateClient().GetAsync($"/api/campaigns/{id}")).ReadJsonAsync();
        Assert.Equal("2026-04-15", read["ends_on"]!.GetValue<string>());
        Assert.Equal([("trees_planted", 800m), ("swimming_classes", 70m)],
            read["indicators"]!.AsArray().Select(i => (i!["code"]!.GetValue<string>(), i["target"]!.GetValue<decimal>())));
        await (await coord.PatchAsJsonAsync($"/api/campaigns/{id}", new { starts_on = "2026-05-01" })).AssertProblemAsync(400); // after ends_on
        Assert.Equal(HttpStatusCode.NotFound, (await coord.PatchAsJsonAsync("/api/campaigns/999999", new { name = "x" })).StatusCode);
    }
}
