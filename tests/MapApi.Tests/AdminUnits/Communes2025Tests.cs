using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.AdminUnits;

/// <summary>The 3,321 communes and wards in force since 1 July 2025 (names only, from vn-provinces-wards 1.0.2).</summary>
public sealed class Communes2025Tests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    // Phường Bàn Thạch (Tam Kỳ, now Đà Nẵng) exists only since 1 July 2025; its code is ours (data/reference/admin-communes-2025-codes.json).
    const string BanThach = "48-020";

    async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql).ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_seed_holds_3321_communes_from_July_2025_each_under_a_province_in_force()
    {
        Assert.Equal(3321, await ScalarAsync("SELECT count(*) FROM admin_units WHERE level = 'commune' AND valid_from = '2025-07-01' AND valid_to IS NULL"));
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM admin_units c WHERE c.valid_from = '2025-07-01' AND c.level = 'commune'
              AND NOT EXISTS (SELECT 1 FROM admin_units p WHERE p.level = 'province' AND p.code = c.parent_code AND p.valid_to IS NULL)
            """));
        Assert.Equal(34, await ScalarAsync("SELECT count(DISTINCT parent_code) FROM admin_units WHERE level = 'commune' AND valid_to IS NULL"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM (SELECT code FROM admin_units GROUP BY code, valid_from HAVING count(*) > 1) d"));

        // Through the API, today: Đà Nẵng (48) has 94 communes and wards.
        var danang = await (await app.CreateClient().GetAsync("/api/admin-units?level=commune&parent=48&geometry=none&limit=1000")).ReadJsonAsync();
        Assert.Equal(94, danang.Features().Count());
    }

    [Theory]
    [InlineData("Bàn Thạch")]
    [InlineData("ban thach")]
    [InlineData("PHUONG BAN THACH")]
    public async Task A_commune_that_exists_only_since_July_2025_is_found_with_or_without_diacritics(string q)
    {
        var client = app.CreateClient();
        var today = await (await client.GetAsync($"/api/admin-units?q={Uri.EscapeDataString(q)}&geometry=none")).ReadJsonAsync();
        var unit = Assert.Single(today.Features(), f => f["properties"]!["code"]!.GetValue<string>() == BanThach);
        Assert.Equal("Phường Bàn Thạch", unit["properties"]!["name"]!.GetValue<string>());
        Assert.Equal("commune", unit["properties"]!["level"]!.GetValue<string>());
        Assert.Equal("48", unit["properties"]!["parent_code"]!.GetValue<string>());
        Assert.Equal("2025-07-01", unit["properties"]!["valid_from"]!.GetValue<string>());
        Assert.Null(unit["geometry"]); // a named unit until a boundary is imported

        // The day before the reorganisation it did not exist.
        var before = await (await client.GetAsync($"/api/admin-units?q={Uri.EscapeDataString(q)}&geometry=none&date=2025-06-30")).ReadJsonAsync();
        Assert.DoesNotContain(before.Features(), f => f["properties"]!["code"]!.GetValue<string>() == BanThach);

        var byCode = await (await client.GetAsync($"/api/admin-units/{BanThach}?geometry=full")).ReadJsonAsync();
        Assert.Equal("Phường Bàn Thạch", byCode["properties"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Layer_search_and_admin_filter_match_a_new_commune_named_by_a_record_and_follow_its_admin_code()
    {
        var client = app.CreateClient();
        async Task<HashSet<long>> FoundAsync(string q)
        {
            var body = await (await client.GetAsync($"/api/layers/teams/features?limit=1000&q={Uri.EscapeDataString(q)}")).ReadJsonAsync();
            return body.Features().Select(f => f["id"]!.GetValue<long>()).ToHashSet();
        }
        Assert.Empty(await FoundAsync("ban thach"));

        // A team recorded after July 2025 in Tam Kỳ, naming its new ward by code (as an import that resolved "Bàn Thạch" does).
        long id;
        await using (var conn = await app.Sql.OpenConnectionAsync())
            id = (long)(await conn.Command("""
                INSERT INTO teams (name, team_type, parent_unit, admin_code, geom, source_id, is_sample)
                VALUES ('Đội hình tình nguyện phường mới', 'team', 'Đoàn phường', @code, ST_SetSRID(ST_MakePoint(108.49, 15.58), 4326), 'sample-records', true)
                RETURNING id
                """, ("code", BanThach)).ExecuteScalarAsync())!;
        Assert.Equal(new[] { id }, (await FoundAsync("ban thach")).ToArray());
        Assert.Equal(new[] { id }, (await FoundAsync("Bàn Thạch")).ToArray());
        // The admin filter too: a unit without a polygon selects the records that name it.
        var filtered = await (await client.GetAsync($"/api/layers/teams/features?admin={BanThach}&limit=1000")).ReadJsonAsync();
        Assert.Equal(new[] { id }, filtered.Features().Select(f => f["id"]!.GetValue<long>()).ToArray());
        // Still found by the places its point lies in, old and new.
        Assert.Contains(id, await FoundAsync("quang nam"));

        // A record's names follow a change of its admin_code alone.
        var other = await ScalarAsync("SELECT min(id) FROM teams WHERE admin_code = '502'");
        await using (var conn = await app.Sql.OpenConnectionAsync())
            await conn.Command("UPDATE teams SET admin_code = @code WHERE id = @id", ("code", BanThach), ("id", other)).ExecuteNonQueryAsync();
        Assert.Equal(new[] { id, other }.Order(), (await FoundAsync("ban thach")).Order());
    }

    [Fact]
    public async Task Records_keep_the_unit_in_force_when_made_and_resolve_todays()
    {
        // A sample team in Trà Mai commune (51601) recorded under the 2008–2025 units.
        var teamId = await ScalarAsync("SELECT min(id) FROM teams WHERE admin_code = '51601'");
        var client = app.CreateClient();
        var team = await (await client.GetAsync($"/api/layers/teams/features/{teamId}")).ReadJsonAsync();
        Assert.Equal("51601", team["properties"]!["admin_code"]!.GetValue<string>());
        var recorded = await (await client.GetAsync("/api/admin-units/51601?geometry=none")).ReadJsonAsync();
        Assert.Equal("2025-07-01", recorded["properties"]!["valid_to"]!.GetValue<string>());

        var point = team["geometry"]!["coordinates"]!.AsArray();
        var today = await (await client.GetAsync($"/api/admin-units/at?lon={point[0]}&lat={point[1]}")).ReadJsonAsync();
        var province = today.Features().Single(f => f["properties"]!["level"]!.GetValue<string>() == "province");
        Assert.Equal("48", province["properties"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(today.Features(), f => f["properties"]!["valid_to"] is not null);

        // The record's code resolves to today's units directly.
        static string[] Codes(System.Text.Json.Nodes.JsonNode c) => c.Features().Select(f => f["properties"]!["code"]!.GetValue<string>()).ToArray();
        Assert.Equal(["VN", "48"], Codes(await (await client.GetAsync("/api/admin-units/51601/in-force")).ReadJsonAsync()));
        Assert.Equal(["VN", "49", "516", "51601"], Codes(await (await client.GetAsync("/api/admin-units/51601/in-force?date=2024-01-01")).ReadJsonAsync()));
        Assert.Equal(["VN", "92"], Codes(await (await client.GetAsync("/api/admin-units/94/in-force")).ReadJsonAsync())); // Sóc Trăng → Cần Thơ
        Assert.Equal(["VN", "48", BanThach], Codes(await (await client.GetAsync($"/api/admin-units/{BanThach}/in-force")).ReadJsonAsync()));
        await (await client.GetAsync("/api/admin-units/nope/in-force")).AssertProblemAsync(404);
    }
}
