using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

public sealed class LayerSummaryCacheTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    sealed class NoCacheFactory : MapApiFactory
    {
        protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("RESOURCEMAP_LAYER_SUMMARY_SECONDS", "0");
    }

    static async Task<long> RedSitesAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/layers");
        var layers = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return layers.Single(l => l!["id"]!.GetValue<string>() == "red-addresses")!["features"]!.GetValue<long>();
    }

    const string AddSite = """
        INSERT INTO red_sites (name, relic_type, rank, geom, source_id, is_sample)
        SELECT 'Cache test', 'historical', 'unranked', ST_SetSRID(ST_MakePoint(108.2, 16.0), 4326), id, true FROM data_sources LIMIT 1
        """;

    [Fact]
    public async Task Layer_counts_are_computed_once_per_interval_not_on_every_page_load()
    {
        var client = app.CreateClient();
        var before = await RedSitesAsync(client);
        await using (var command = app.Sql.CreateCommand(AddSite)) await command.ExecuteNonQueryAsync();
        // Within the interval the earlier figures are served (and the response says how long it may be cached).
        Assert.Equal(before, await RedSitesAsync(client));
        Assert.Equal("public, max-age=30", (await client.GetAsync("/api/layers")).Headers.CacheControl!.ToString());

        // Negative control: with the interval at 0 the same write shows at once.
        await using var fresh = new NoCacheFactory();
        await ((Xunit.IAsyncLifetime)fresh).InitializeAsync();
        try
        {
            var freshClient = fresh.CreateClient();
            var count = await RedSitesAsync(freshClient);
            await using (var command = fresh.Sql.CreateCommand(AddSite)) await command.ExecuteNonQueryAsync();
            Assert.Equal(count + 1, await RedSitesAsync(freshClient));
        }
        finally { await ((Xunit.IAsyncLifetime)fresh).DisposeAsync(); }
    }
}
