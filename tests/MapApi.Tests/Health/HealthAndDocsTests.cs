using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Health;

public sealed class HealthAndDocsTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task Health_reports_the_database_and_the_PostGIS_version()
    {
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("ok", body["status"]!.GetValue<string>());
        Assert.Matches(@"^3\.\d+", body["postgis_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_document_and_Swagger_UI_are_served()
    {
        var client = app.CreateClient();
        var doc = await (await client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/layers/{layer}/features", paths);
        Assert.Contains("/api/admin-units/at", paths);
        Assert.Contains("/health", paths);
        var ui = await client.GetAsync("/swagger/index.html");
        Assert.Equal(200, (int)ui.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_get_problem_details()
    {
        var response = await app.CreateClient().GetAsync("/api/nothing-here");
        await response.AssertProblemAsync(404);
    }
}
