using System.Net.Http.Json;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Teams;

public sealed class RegistryTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    static object NewTeam(string name, double lon = 108.15, double lat = 15.10, string? externalId = null) => new
    {
        name, team_type = "club", parent_unit = "Đoàn xã Trà Mai", location = new { lon, lat },
        members = 14, capacity = 6, skills = new[] { "first-aid", "teaching" }, service_radius_m = 15000,
        private_phone = "0911222333", external_id = externalId,
    };

    [Fact]
    public async Task A_coordinator_registers_a_team_that_search_finds_without_diacritics_and_history_records_it()
    {
        var coordinator = await app.LoginAsync("coord1");
        var created = await coordinator.PostAsJsonAsync("/api/teams", NewTeam("CLB Thanh niên Khuê Trung Đặc Biệt"));
        Assert.Equal(201, (int)created.StatusCode);
        var feature = await created.ReadJsonAsync();
        var id = feature["id"]!.GetValue<long>();
        Assert.Equal($"/api/teams/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("0911222333", feature["properties"]!["private_phone"]!.GetValue<string>());
        Assert.Equal("registry", feature["properties"]!["source_id"]!.GetValue<string>());
        Assert.False(feature["properties"]!["is_sample"]!.GetValue<bool>());
        Assert.Empty(feature["warnings"]!.AsArray());
        // The district (506) was abolished on 1 July 2025: the lowest unit in force today is the province.
        Assert.Equal("48", await app.ScalarAsync<string>("SELECT admin_code FROM teams WHERE id = @id", ("id", id)));

        var search = await (await app.CreateClient().GetAsync("/api/layers/teams/features?q=khue%20trung%20dac%20biet")).ReadJsonAsync();
        Assert.Contains(search.Features(), f => f["id"]!.GetValue<long>() == id);
        Assert.DoesNotContain("0911222333", search.ToJsonString());

        var history = await (await coordinator.GetAsync($"/api/teams/{id}/history")).ReadJsonAsync();
        var entry = Assert.Single(history["history"]!.AsArray());
        Assert.Equal("created", entry!["action"]!.GetValue<string>());
        Assert.Equal("coord1", entry["changed_by"]!.GetValue<string>());
        Assert.DoesNotContain("0911222333", history.ToJsonString());
        await (await app.CreateClient().GetAsync($"/api/teams/{id}/history")).AssertProblemAsync(401);
        await (await (await app.LoginAsync("lead1")).GetAsync($"/api/teams/{id}/history")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task A_similar_name_nearby_is_a_warning_not_an_error()
    {
        var coordinator = await app.LoginAsync("coord2");
        // Team 3 is "Đội hình tình nguyện Nam Trà My" at 108.08, 15.05.
        var response = await coordinator.PostAsJsonAsync("/api/teams", NewTeam("Doi hinh tinh nguyen Nam Tra My", 108.09, 15.06));
        Assert.Equal(201, (int)response.StatusCode);
        var warning = Assert.Single((await response.ReadJsonAsync())["warnings"]!.AsArray());
        Assert.Equal(3, warning!["team_id"]!.GetValue<long>());
        Assert.InRange(warning["distance_m"]!.GetValue<double>(), 1000, 2000);
        Assert.Contains("tên tương tự", warning["message_vi"]!.GetValue<string>());

        var check = await (await app.CreateClient().GetAsync("/api/teams/similar?name=doi%20hinh%20tinh%20nguyen%20nam%20tra%20my&lon=108.08&lat=15.05")).ReadJsonAsync();
        Assert.Contains(check["similar"]!.AsArray(), s => s!["team_id"]!.GetValue<long>() == 3);
        var far = await (await app.CreateClient().GetAsync("/api/teams/similar?name=doi%20hinh%20tinh%20nguyen%20nam%20tra%20my&lon=106.7&lat=10.8")).ReadJsonAsync();
        Assert.Empty(far["similar"]!.AsArray());
        await (await app.CreateClient().GetAsync("/api/teams/similar?name=x&lon=108&lat=15")).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Bad_input_writes_nothing_and_only_coordinators_create()
    {
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM teams");
        var coordinator = await app.LoginAsync("coord1");
        var bad = await (await coordinator.PostAsJsonAsync("/api/teams", new
        {
            name = "X", team_type = "army", location = new { lon = 2.35, lat = 48.85 }, capacity = -1, skills = new[] { "flying" },
            service_area = new { type = "LineString", coordinates = new[] { new[] { 108.0, 15.0 }, new[] { 108.1, 15.1 } } }, is_sample = true,
        })).AssertProblemAsync(400);
        var detail = bad["detail"]!.GetValue<string>();
        foreach (var word in new[] { "name", "team_type", "parent_unit is required", "outside Vietnam", "capacity", "service_area", "'is_sample' is not a team field" })
            Assert.Contains(word, detail);
        await (await (await app.LoginAsync("lead1")).PostAsJsonAsync("/api/teams", NewTeam("Đội của trưởng nhóm"))).AssertProblemAsync(403);
        await (await app.CreateClient().PostAsJsonAsync("/api/teams", NewTeam("Đội ẩn danh"))).AssertProblemAsync(401);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));

        var first = await coordinator.PostAsJsonAsync("/api/teams", NewTeam("Đội A Lưới", 108.2, 15.2, "EXT-1"));
        Assert.Equal(201, (int)first.StatusCode);
        await (await coordinator.PostAsJsonAsync("/api/teams", NewTeam("Đội B khác", 108.25, 15.15, "EXT-1"))).AssertProblemAsync(409);
    }

    [Fact]
    public async Task A_lead_edits_only_their_own_team_with_a_drawn_service_area_and_a_coordinator_reads_the_history()
    {
        var lead = await app.LoginAsync("lead9"); // leads team 9 (SpareA)
        var area = new
        {
            type = "Polygon",
            // clockwise on purpose: stored counter-clockwise
            coordinates = new[] { new[] { new[] { 108.0, 15.0 }, new[] { 108.0, 15.1 }, new[] { 108.1, 15.1 }, new[] { 108.1, 15.0 }, new[] { 108.0, 15.0 } } },
        };
        var response = await lead.PatchAsJsonAsync($"/api/teams/{Fixture.SpareA}", new { name = "Đội dự bị A (đổi tên)", service_area = area, location = new { lon = 108.06, lat = 15.01 } });
        Assert.Equal(200, (int)response.StatusCode);
        var props = (await response.ReadJsonAsync())["properties"]!;
        Assert.Equal("Đội dự bị A (đổi tên)", props["name"]!.GetValue<string>());
        Assert.True(props["has_service_area"]!.GetValue<bool>());
        Assert.True(await app.ScalarAsync<bool>("SELECT ST_IsValid(service_area) AND NOT ST_IsPolygonCW(service_area) AND ST_SRID(service_area) = 4326 FROM teams WHERE id = @id", ("id", Fixture.SpareA)));

        await (await lead.PatchAsJsonAsync($"/api/teams/{Fixture.SpareB}", new { name = "Không phải đội của tôi" })).AssertProblemAsync(403);
        await (await lead.PostAsync($"/api/teams/{Fixture.SpareB}/deactivate", null)).AssertProblemAsync(403);
        Assert.Equal("Đội dự bị B", await app.ScalarAsync<string>("SELECT name FROM teams WHERE id = @id", ("id", Fixture.SpareB)));

        var deactivated = await lead.PostAsync($"/api/teams/{Fixture.SpareA}/deactivate", null);
        Assert.Equal("inactive", (await deactivated.ReadJsonAsync())["properties"]!["status"]!.GetValue<string>());
        Assert.Equal(1, await app.ScalarAsync<int>("SELECT count(*) FROM teams WHERE id = @id", ("id", Fixture.SpareA)));

        var history = (await (await (await app.LoginAsync("coord1")).GetAsync($"/api/teams/{Fixture.SpareA}/history")).ReadJsonAsync())["history"]!.AsArray();
        Assert.Equal(["updated", "deactivated"], history.Select(h => h!["action"]!.GetValue<string>()));
        var changes = history[0]!["changes"]!.AsObject();
        Assert.Equal("Đội dự bị A", changes["name"]!["from"]!.GetValue<string>());
        Assert.Equal("Đội dự bị A (đổi tên)", changes["name"]!["to"]!.GetValue<string>());
        Assert.True(changes.ContainsKey("service_area"));
        Assert.True(changes.ContainsKey("location"));
        Assert.False(changes.ContainsKey("capacity"));
        Assert.Equal("lead9", history[1]!["changed_by"]!.GetValue<string>());

        var reactivated = await lead.PostAsync($"/api/teams/{Fixture.SpareA}/reactivate", null);
        Assert.Equal("active", (await reactivated.ReadJsonAsync())["properties"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scoped_coordinator_registers_teams_only_inside_their_unit()
    {
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await TestUsers.AddAsync(conn, "coord-ntm", "coordinator", FixtureApiFactory.Password, adminScope: "506");
        var scoped = await app.LoginAsync("coord-ntm");
        Assert.Equal(201, (int)(await scoped.PostAsJsonAsync("/api/teams", NewTeam("Đội trong huyện", 108.1, 15.0))).StatusCode);
        await (await scoped.PostAsJsonAsync("/api/teams", NewTeam("Đội ngoài huyện", 108.4, 15.6))).AssertProblemAsync(403);
    }
}
