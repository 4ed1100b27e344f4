using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.AdminUnits;

public sealed class AdminUnitsTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task Provinces_follow_the_2025_reorganisation_by_date()
    {
        var client = app.CreateClient();
        var before = await (await client.GetAsync("/api/admin-units?level=province&date=2024-06-01&geometry=none&limit=1000")).ReadJsonAsync();
        var after = await (await client.GetAsync("/api/admin-units?level=province&date=2025-07-01&geometry=none&limit=1000")).ReadJsonAsync();
        Assert.Equal(63, before.Features().Count());
        Assert.Equal(34, after.Features().Count());
        Assert.Contains(before.Features(), f => f["properties"]!["name"]!.GetValue<string>() == "Quảng Nam");
        Assert.DoesNotContain(after.Features(), f => f["properties"]!["name"]!.GetValue<string>() == "Quảng Nam");
    }

    [Fact]
    public async Task The_unit_containing_a_point_depends_on_the_date()
    {
        var client = app.CreateClient();
        // Tam Kỳ, Quảng Nam's former capital.
        var in2024 = await (await client.GetAsync("/api/admin-units/at?lon=108.48&lat=15.57&date=2024-03-26")).ReadJsonAsync();
        var province2024 = in2024.Features().Single(f => f["properties"]!["level"]!.GetValue<string>() == "province");
        Assert.Equal("49", province2024["properties"]!["code"]!.GetValue<string>());
        Assert.Equal("Quảng Nam", province2024["properties"]!["name"]!.GetValue<string>());

        var now = await (await client.GetAsync("/api/admin-units/at?lon=108.48&lat=15.57")).ReadJsonAsync();
        var provinceNow = now.Features().Single(f => f["properties"]!["level"]!.GetValue<string>() == "province");
        Assert.Equal("48", provinceNow["properties"]!["code"]!.GetValue<string>());
        Assert.Equal(JsonValueKindNull, provinceNow["geometry"]?.GetValueKind() ?? JsonValueKindNull);
    }

    const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_code_resolves_to_its_latest_version_with_validity()
    {
        var unit = await (await app.CreateClient().GetAsync("/api/admin-units/49")).ReadJsonAsync();
        Assert.Equal("Quảng Nam", unit["properties"]!["name"]!.GetValue<string>());
        Assert.Equal("2025-07-01", unit["properties"]!["valid_to"]!.GetValue<string>());
        Assert.Equal("MultiPolygon", unit["geometry"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Districts_by_parent_and_search_without_diacritics()
    {
        var client = app.CreateClient();
        var districts = await (await client.GetAsync("/api/admin-units?level=district&parent=49&date=2024-01-01&geometry=none&limit=1000")).ReadJsonAsync();
        Assert.Equal(18, districts.Features().Count());
        var found = await (await client.GetAsync("/api/admin-units?q=nam%20tra%20my&date=2024-01-01&geometry=none")).ReadJsonAsync();
        Assert.Contains(found.Features(), f => f["properties"]!["name"]!.GetValue<string>().Contains("Nam Trà My"));
    }

    [Theory]
    [InlineData("/api/admin-units?level=galaxy")]
    [InlineData("/api/admin-units?geometry=huge")]
    [InlineData("/api/admin-units?limit=100000")]
    [InlineData("/api/admin-units?date=31-12-2024")]
    [InlineData("/api/admin-units/at?lon=181&lat=10")]
    [InlineData("/api/admin-units/at?lon=108")]
    [InlineData("/api/admin-units/at?lon=abc&lat=10")]
    public async Task Bad_input_gets_a_400_problem(string url)
    {
        await (await app.CreateClient().GetAsync(url)).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Unknown_code_is_a_404_problem()
    {
        await (await app.CreateClient().GetAsync("/api/admin-units/00000000")).AssertProblemAsync(404);
    }
}
