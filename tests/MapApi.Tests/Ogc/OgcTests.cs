using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Ogc;

/// <summary>The seeded application on a real loopback port, so GDAL's OAPIF driver can read it as QGIS would.</summary>
public sealed class OgcServerFixture : IAsyncLifetime
{
    public MapApiFactory App { get; } = new();
    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        App.UseKestrel(0);
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();

    public HttpClient Client() => new() { BaseAddress = new Uri(BaseUrl) };

    public async Task<long> CountAsync(string sql)
    {
        await using var conn = await App.Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql).ExecuteScalarAsync());
    }
}

public sealed class OgcTests(OgcServerFixture server) : IClassFixture<OgcServerFixture>
{
    static readonly Dictionary<string, string> Tables = LayerCatalog.All.ToDictionary(l => l.Id, l => l.Table);

    static async Task<(int Exit, string Output)> OgrInfoAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Gdal_lists_every_public_layer_as_a_collection()
    {
        var (exit, output) = await OgrInfoAsync("-ro", "-so", $"OAPIF:{server.BaseUrl}/ogc");
        Assert.True(exit == 0, output);
        foreach (var layer in LayerCatalog.All)
            Assert.Matches(new Regex($@"^\d+: {Regex.Escape(layer.Id)}\b", RegexOptions.Multiline), output);
        Assert.Equal(LayerCatalog.All.Count, Regex.Matches(output, @"^\d+: ", RegexOptions.Multiline).Count);
    }

    [Fact]
    public async Task Gdal_reads_every_feature_of_every_collection_following_next_links()
    {
        foreach (var layer in LayerCatalog.All)
        {
            var (exit, output) = await OgrInfoAsync("-ro", "-q", $"OAPIF:{server.BaseUrl}/ogc", layer.Id);
            Assert.True(exit == 0, output);
            var expected = await server.CountAsync($"SELECT count(*) FROM {layer.Table}");
            Assert.True(expected > 0, $"{layer.Id}: the seed should hold features");
            Assert.Equal(expected, Regex.Matches(output, @"^OGRFeature\(", RegexOptions.Multiline).Count);
            Assert.DoesNotContain("private_", output);
            Assert.DoesNotContain("restricted_details", output);
        }
        // Vietnamese text arrives intact through GDAL.
        var (_, sites) = await OgrInfoAsync("-ro", "-q", $"OAPIF:{server.BaseUrl}/ogc", "red-addresses");
        Assert.Contains("Địa đạo Củ Chi", sites);
    }

    [Fact]
    public async Task Landing_page_and_conformance_link_what_the_standard_requires()
    {
        var client = server.Client();
        var landing = await (await client.GetAsync("/ogc")).ReadJsonAsync();
        var rels = landing["links"]!.AsArray().ToDictionary(l => l!["rel"]!.GetValue<string>(), l => l!["href"]!.GetValue<string>());
        Assert.Equal($"{server.BaseUrl}/ogc", rels["self"]);
        Assert.Equal($"{server.BaseUrl}/swagger/v1/swagger.json", rels["service-desc"]);
        Assert.Equal($"{server.BaseUrl}/ogc/conformance", rels["conformance"]);
        Assert.Equal($"{server.BaseUrl}/ogc/collections", rels["data"]);
        // The conformance class oas30 promises an OpenAPI 3.0 document that describes these endpoints.
        var openApi = await (await client.GetAsync(rels["service-desc"])).ReadJsonAsync();
        Assert.StartsWith("3.0", openApi["openapi"]!.GetValue<string>());
        Assert.NotNull(openApi["paths"]!["/ogc/collections/{collectionId}/items"]);
        Assert.Equal(200, (int)(await client.GetAsync("/ogc/")).StatusCode);

        var conformance = await (await client.GetAsync("/ogc/conformance?f=json")).ReadJsonAsync();
        var classes = conformance["conformsTo"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30", classes);

        await (await client.GetAsync("/ogc?f=xml")).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Collections_carry_spatial_extents_and_temporal_ones_where_records_have_dates()
    {
        var client = server.Client();
        var body = await (await client.GetAsync("/ogc/collections")).ReadJsonAsync();
        var collections = body["collections"]!.AsArray().Select(c => c!).ToList();
        Assert.Equal(LayerCatalog.All.Select(l => l.Id), collections.Select(c => c["id"]!.GetValue<string>()));
        foreach (var c in collections)
        {
            var bbox = c["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.InRange(bbox[0], 100, 110);
            Assert.InRange(bbox[3], 8, 24);
            Assert.Contains(c["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "items"
                && l["href"]!.GetValue<string>() == $"{server.BaseUrl}/ogc/collections/{c["id"]}/items");
        }
        var needs = collections.Single(c => c["id"]!.GetValue<string>() == "needs");
        var interval = needs["extent"]!["temporal"]!["interval"]![0]!.AsArray();
        var first = await server.CountAsync("SELECT to_char(min(window_start), 'YYYYMMDD')::bigint FROM needs");
        Assert.StartsWith($"{first / 10000:0000}-{first / 100 % 100:00}-{first % 100:00}T", interval[0]!.GetValue<string>());
        Assert.Null(collections.Single(c => c["id"]!.GetValue<string>() == "teams")["extent"]!["temporal"]);

        var one = await (await client.GetAsync("/ogc/collections/red-addresses")).ReadJsonAsync();
        Assert.Equal("red-addresses", one["id"]!.GetValue<string>());
        await (await client.GetAsync("/ogc/collections/nope")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Items_page_with_limit_next_links_and_counts()
    {
        var client = server.Client();
        var total = await server.CountAsync("SELECT count(*) FROM teams");
        var ids = new HashSet<long>();
        string? url = "/ogc/collections/teams/items?limit=100";
        var pages = 0;
        while (url is not null)
        {
            var response = await client.GetAsync(url);
            Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
            var page = await response.ReadJsonAsync();
            Assert.Equal(total, page["numberMatched"]!.GetValue<long>());
            Assert.Equal(page.Features().Count(), page["numberReturned"]!.GetValue<int>());
            Assert.NotNull(page["timeStamp"]);
            var links = page["links"]!.AsArray();
            Assert.Contains(links, l => l!["rel"]!.GetValue<string>() == "self");
            foreach (var f in page.Features())
            {
                Assert.True(ids.Add(f["id"]!.GetValue<long>()));
                Assert.Null(f["properties"]!["private_phone"]);
            }
            url = links.FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next")?["href"]!.GetValue<string>();
            pages++;
        }
        Assert.Equal(total, ids.Count);
        Assert.Equal((int)Math.Ceiling(total / 100.0), pages);

        // Over the maximum is clamped, as the standard asks, not refused.
        var big = await (await client.GetAsync("/ogc/collections/teams/items?limit=50000")).ReadJsonAsync();
        Assert.Equal(Math.Min(total, 1000), big["numberReturned"]!.GetValue<int>());
        await (await client.GetAsync("/ogc/collections/teams/items?limit=0")).AssertProblemAsync(400);
        await (await client.GetAsync("/ogc/collections/nope/items")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Bbox_selects_what_PostGIS_selects_and_whole_world_boxes_are_allowed()
    {
        var client = server.Client();
        var box = await (await client.GetAsync("/ogc/collections/teams/items?bbox=107.2,14.9,108.8,16.2&limit=1000")).ReadJsonAsync();
        var expected = await server.CountAsync("SELECT count(*) FROM teams WHERE ST_Intersects(geom, ST_MakeEnvelope(107.2, 14.9, 108.8, 16.2, 4326))");
        Assert.True(expected > 0);
        Assert.Equal(expected, box["numberMatched"]!.GetValue<long>());
        Assert.Equal(expected, box.Features().Count());

        var world = await (await client.GetAsync("/ogc/collections/teams/items?bbox=-180,-90,-10,180,90,10&limit=1")).ReadJsonAsync();
        Assert.Equal(await server.CountAsync("SELECT count(*) FROM teams"), world["numberMatched"]!.GetValue<long>());
        await (await client.GetAsync("/ogc/collections/teams/items?bbox=110,10,100,20")).AssertProblemAsync(400);
        await (await client.GetAsync("/ogc/collections/teams/items?bbox=1,2,3")).AssertProblemAsync(400);
        await (await client.GetAsync("/ogc/collections/teams/items?bbox=100,10,110,20&bbox-crs=EPSG:3857")).AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("2027-01-15", "window_start <= '2027-01-15' AND window_end >= '2027-01-15'")]
    [InlineData("2026-09-01/2026-10-31", "window_start <= '2026-10-31' AND window_end >= '2026-09-01'")]
    [InlineData("../2026-10-31", "window_start <= '2026-10-31'")]
    [InlineData("2027-03-01/..", "window_end >= '2027-03-01'")]
    [InlineData("2027-03-01T02:00:00Z/", "window_end >= '2027-03-01'")]
    [InlineData("2027-01-05T20:00:00Z", "window_start <= '2027-01-06' AND window_end >= '2027-01-06'")] // 03:00 on 6 Jan in Vietnam
    public async Task Datetime_selects_needs_whose_window_overlaps(string datetime, string condition)
    {
        var expected = await server.CountAsync($"SELECT count(*) FROM needs WHERE {condition}");
        var total = await server.CountAsync("SELECT count(*) FROM needs");
        Assert.InRange(expected, 1, total - 1); // each case must select some needs and leave some out
        var body = await (await server.Client().GetAsync($"/ogc/collections/needs/items?limit=1000&datetime={Uri.EscapeDataString(datetime)}")).ReadJsonAsync();
        Assert.Equal(expected, body["numberMatched"]!.GetValue<long>());
        Assert.Equal(expected, body.Features().Count());
    }

    [Fact]
    public async Task Datetime_on_activities_and_bad_datetimes()
    {
        var client = server.Client();
        var expected = await server.CountAsync("SELECT count(*) FROM activities WHERE started_on <= '2026-06-30' AND coalesce(ended_on, started_on) >= '2026-06-01'");
        var body = await (await client.GetAsync("/ogc/collections/activities/items?limit=1000&datetime=2026-06-01/2026-06-30")).ReadJsonAsync();
        Assert.Equal(expected, body["numberMatched"]!.GetValue<long>());
        foreach (var bad in new[] { "yesterday", "../..", "2027-02-01/2027-01-01", "2026-13-01", "a/b/c" })
            await (await client.GetAsync($"/ogc/collections/needs/items?datetime={Uri.EscapeDataString(bad)}")).AssertProblemAsync(400);
    }

    [Fact]
    public async Task One_item_with_links_and_public_fields_only()
    {
        var client = server.Client();
        var id = await server.CountAsync("SELECT min(id) FROM needs WHERE restricted_details IS NOT NULL");
        var response = await client.GetAsync($"/ogc/collections/needs/items/{id}");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("restricted_details", text);
        var feature = JsonNode.Parse(text)!;
        Assert.Equal(id, feature["id"]!.GetValue<long>());
        Assert.Contains(feature["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "self"
            && l["href"]!.GetValue<string>() == $"{server.BaseUrl}/ogc/collections/needs/items/{id}");
        await (await client.GetAsync("/ogc/collections/needs/items/999999")).AssertProblemAsync(404);
        await (await client.GetAsync("/ogc/collections/needs/items/abc")).AssertProblemAsync(404);
    }
}
