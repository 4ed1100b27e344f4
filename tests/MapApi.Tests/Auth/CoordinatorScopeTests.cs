using System.Net.Http.Json;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Needs;

namespace ResourceMap.Tests.Auth;

/// <summary>A district coordinator (scope Nam Trà My, 506) acts inside the district and nowhere else.</summary>
public sealed class CoordinatorScopeTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        // The class fixture is shared by the tests of this class; add the user once.
        if (await app.ScalarAsync<long>("SELECT count(*) FROM users WHERE username = 'coord-ntm'") > 0) return;
        await using var conn = await app.Sql.OpenConnectionAsync();
        await TestUsers.AddAsync(conn, "coord-ntm", Roles.Coordinator, FixtureApiFactory.Password,
            displayName: "Cán bộ Huyện đoàn Nam Trà My", adminScope: "506");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_token_carries_the_scope()
    {
        var client = await app.LoginAsync("coord-ntm");
        var me = await (await client.GetAsync("/api/auth/me")).ReadJsonAsync();
        Assert.Equal("506", me["admin_scope_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Needs_inside_the_scope_are_allowed_outside_refused_and_nothing_written()
    {
        var client = await app.LoginAsync("coord-ntm");
        var inside = await NeedRequests.CreateAsync(client, NeedRequests.VillageNeed());
        var needId = inside["id"]!.GetValue<long>();
        Assert.Equal(201, (int)(await NeedRequests.ProposeAsync(client, needId, Fixture.NamTraMy, 2)).StatusCode);

        var before = await app.ScalarAsync<long>("SELECT count(*) FROM needs");
        var tamKy = NeedRequests.VillageNeed();
        tamKy.Remove("village_id");
        tamKy["lon"] = 108.47;
        tamKy["lat"] = 15.57;
        var refused = await (await client.PostAsJsonAsync("/api/needs", tamKy)).AssertProblemAsync(403);
        Assert.Contains("506", refused["detail"]!.GetValue<string>());
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM needs"));

        // A need recorded by a nationwide coordinator in Tam Kỳ is out of reach for the district coordinator.
        var national = await app.LoginAsync("coord1");
        var outside = await NeedRequests.CreateAsync(national, tamKy);
        var outsideId = outside["id"]!.GetValue<long>();
        await (await NeedRequests.ProposeAsync(client, outsideId, Fixture.TamKy, 2)).AssertProblemAsync(403);
        await (await NeedRequests.TransitionAsync(client, outsideId, "cancelled")).AssertProblemAsync(403);
        Assert.Equal("open", await app.ScalarAsync<string>("SELECT status FROM needs WHERE id = @id", ("id", outsideId)));
    }

    [Fact]
    public async Task Beneficiaries_and_private_contacts_are_visible_only_inside_the_scope()
    {
        var national = await app.LoginAsync("coord1");
        var tamKy = NeedRequests.VillageNeed();
        tamKy.Remove("village_id");
        tamKy["lon"] = 108.47;
        tamKy["lat"] = 15.57;
        var outsideId = (await NeedRequests.CreateAsync(national, tamKy))["id"]!.GetValue<long>();
        var insideId = (await NeedRequests.CreateAsync(national, NeedRequests.VillageNeed()))["id"]!.GetValue<long>();

        var district = await app.LoginAsync("coord-ntm");
        Assert.Contains("Hồ Văn Bí Mật", await district.GetStringAsync($"/api/needs/{insideId}"));
        Assert.DoesNotContain("Hồ Văn Bí Mật", await district.GetStringAsync($"/api/needs/{outsideId}"));
        var list = await (await district.GetAsync("/api/needs?limit=500")).ReadJsonAsync();
        var withDetails = list.Features().Where(f => f["properties"]!["restricted_details"] is not null).Select(f => f["id"]!.GetValue<long>()).ToList();
        Assert.Contains(insideId, withDetails);
        Assert.DoesNotContain(outsideId, withDetails);
        Assert.Contains("0900000003", await district.GetStringAsync($"/api/teams/{Fixture.NamTraMy}"));
        Assert.DoesNotContain("0900000002", await district.GetStringAsync($"/api/teams/{Fixture.TamKy}"));
        Assert.Contains("0900000002", await national.GetStringAsync($"/api/teams/{Fixture.TamKy}"));
    }

    [Fact]
    public async Task Anonymous_views_do_not_name_accounts()
    {
        var national = await app.LoginAsync("coord1");
        var id = (await NeedRequests.CreateAsync(national, NeedRequests.VillageNeed()))["id"]!.GetValue<long>();
        Assert.Equal(201, (int)(await NeedRequests.ProposeAsync(national, id, Fixture.NamTraMy, 1)).StatusCode);
        var anonymous = await app.CreateClient().GetStringAsync($"/api/needs/{id}");
        Assert.DoesNotContain("coord1", anonymous);
        Assert.Contains("coord1", await national.GetStringAsync($"/api/needs/{id}"));
    }

    [Fact]
    public async Task Teams_inside_the_scope_are_editable_others_not()
    {
        var client = await app.LoginAsync("coord-ntm");
        var ok = await client.PatchAsJsonAsync($"/api/teams/{Fixture.NamTraMy}", new { description = "Đội hình của huyện" });
        Assert.Equal(200, (int)ok.StatusCode);
        await (await client.PatchAsJsonAsync($"/api/teams/{Fixture.TamKy}", new { description = "không được" })).AssertProblemAsync(403);
        Assert.NotEqual("không được", await app.ScalarAsync<string>("SELECT coalesce(description, '') FROM teams WHERE id = @id", ("id", Fixture.TamKy)));
    }
}
