using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Web;

/// <summary>/api/config (the basemap sources the deployer configured) and the PMTiles archive served with range requests.</summary>
public sealed class WebConfigTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    sealed class Configured(params (string Key, string Value)[] settings) : MapApiFactory
    {
        protected override void ConfigureSettings(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }

    /// <summary>Runs body against an app started with these settings (its own database copy), then drops it.</summary>
    static async Task WithAppAsync(Func<HttpClient, Task> body, params (string Key, string Value)[] settings)
    {
        var factory = new Configured(settings);
        await ((IAsyncLifetime)factory).InitializeAsync();
        try { await body(factory.CreateClient()); }
        finally { await ((IAsyncLifetime)factory).DisposeAsync(); }
    }

    static async Task<JsonNode> ConfigAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/config");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task By_default_the_street_basemap_is_OpenStreetMap_with_its_attribution_and_samples_are_flagged()
    {
        var config = await ConfigAsync(app.CreateClient());
        var basemaps = config["basemaps"]!.AsArray();
        var street = Assert.Single(basemaps)!;
        Assert.Equal("street", street["id"]!.GetValue<string>());
        Assert.Equal("xyz", street["kind"]!.GetValue<string>());
        Assert.Equal("https://tile.openstreetmap.org/{z}/{x}/{y}.png", street["url"]!.GetValue<string>());
        Assert.Equal("© OpenStreetMap contributors", street["attribution"]!.GetValue<string>());
        Assert.Equal(19, street["max_zoom"]!.GetValue<int>());
        // The seed holds sample records (data/README.md), so the page must show its badge.
        Assert.True(config["sample_data"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_deployers_tile_server_replaces_OpenStreetMap_and_none_leaves_only_the_offline_basemap()
    {
        await WithAppAsync(async client =>
        {
            var street = Assert.Single((await ConfigAsync(client))["basemaps"]!.AsArray())!;
            Assert.Equal("https://tiles.example.vn/osm/{z}/{x}/{y}.png", street["url"]!.GetValue<string>());
            Assert.Equal("", street["attribution"]!.GetValue<string>()); // not OpenStreetMap's unless the deployer says so
            Assert.Equal(17, street["max_zoom"]!.GetValue<int>());
        }, ("RESOURCEMAP_BASEMAP_URL", "https://tiles.example.vn/osm/{z}/{x}/{y}.png"), ("RESOURCEMAP_BASEMAP_MAX_ZOOM", "17"));
        await WithAppAsync(async client => Assert.Empty((await ConfigAsync(client))["basemaps"]!.AsArray()),
            ("RESOURCEMAP_BASEMAP_URL", "none"));
    }

    [Theory]
    [InlineData("javascript:alert(1)/{z}/{x}/{y}")]
    [InlineData("https://tiles.example.vn/tile.png")]
    public void A_tile_address_that_is_not_an_http_template_stops_the_start_with_a_sentence(string url)
    {
        using var bad = new Configured(("RESOURCEMAP_BASEMAP_URL", url));
        var error = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains("RESOURCEMAP_BASEMAP_URL must be an http(s) tile address", error.ToString());
    }

    [Fact]
    public async Task The_PMTiles_archive_is_served_with_range_requests()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rm-basemap-{Guid.NewGuid():N}.pmtiles");
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 % 251)).ToArray();
        "PMTiles"u8.ToArray().CopyTo(bytes, 0);
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            await WithAppAsync(async client =>
            {
            var pm = (await ConfigAsync(client))["basemaps"]!.AsArray().First()!;
            Assert.Equal("pmtiles", pm["kind"]!.GetValue<string>());
            Assert.Equal("/basemap/detail.pmtiles", pm["url"]!.GetValue<string>());
            Assert.Equal("© Bản đồ tự phục vụ", pm["attribution"]!.GetValue<string>());

            // The header read by the pmtiles client: the first bytes, as 206 with the right Content-Range.
            var head = new HttpRequestMessage(HttpMethod.Get, "/basemap/detail.pmtiles");
            head.Headers.Range = new RangeHeaderValue(0, 6);
            var response = await client.SendAsync(head);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("bytes 0-6/1000", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal("PMTiles", System.Text.Encoding.ASCII.GetString(await response.Content.ReadAsByteArrayAsync()));

            // A range in the middle returns exactly those bytes.
            var middle = new HttpRequestMessage(HttpMethod.Get, "/basemap/detail.pmtiles");
            middle.Headers.Range = new RangeHeaderValue(500, 509);
            response = await client.SendAsync(middle);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("bytes 500-509/1000", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal(bytes[500..510], await response.Content.ReadAsByteArrayAsync());

            // The whole file without a range; a range past the end is refused with 416.
            response = await client.GetAsync("/basemap/detail.pmtiles");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);
            var past = new HttpRequestMessage(HttpMethod.Get, "/basemap/detail.pmtiles");
            past.Headers.Range = new RangeHeaderValue(5000, 5010);
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await client.SendAsync(past)).StatusCode);
            }, ("RESOURCEMAP_BASEMAP_PMTILES", file), ("RESOURCEMAP_BASEMAP_PMTILES_ATTRIBUTION", "© Bản đồ tự phục vụ"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Without_a_PMTiles_file_its_address_is_not_found()
    {
        var response = await app.CreateClient().GetAsync("/basemap/detail.pmtiles");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
