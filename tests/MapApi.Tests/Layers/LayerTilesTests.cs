using System.Diagnostics;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Layers;

public sealed class LayerTilesTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    // Tile z8 holding most of Quảng Nam (lon 106.875–108.28, lat 14.94–16.30).
    const int Z = 8, X = 204, Y = 116;

    [Fact]
    public async Task A_vector_tile_holds_the_features_in_it_and_GDAL_reads_it()
    {
        var response = await app.CreateClient().GetAsync($"/api/layers/teams/tiles/{Z}/{X}/{Y}.mvt");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        long expected;
        await using (var conn = await app.Sql.OpenConnectionAsync())
            expected = (long)(await conn.Command("SELECT count(*) FROM teams WHERE ST_Transform(geom, 3857) && ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096)",
                ("z", Z), ("x", X), ("y", Y)).ExecuteScalarAsync())!;
        Assert.True(expected > 0);

        var dir = Path.Combine(TestDatabase.FindRepoFolder("artifacts"), "tiles");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"teams-{Z}-{X}-{Y}.mvt");
        await File.WriteAllBytesAsync(file, bytes);
        var ogr = Process.Start(new ProcessStartInfo("ogrinfo",
            ["-ro", "-al", "-so", "-oo", $"Z={Z}", "-oo", $"X={X}", "-oo", $"Y={Y}", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await ogr.StandardOutput.ReadToEndAsync();
        await ogr.WaitForExitAsync();
        Assert.Equal(0, ogr.ExitCode);
        Assert.Contains("Layer name: teams", output);
        Assert.Contains($"Feature Count: {expected}", output);
        Assert.DoesNotContain("private_", output);
    }

    [Fact]
    public async Task An_empty_tile_is_empty_and_bad_coordinates_are_refused()
    {
        var client = app.CreateClient();
        var ocean = await client.GetAsync("/api/layers/teams/tiles/8/0/0.mvt");
        Assert.Equal(200, (int)ocean.StatusCode);
        Assert.Empty(await ocean.Content.ReadAsByteArrayAsync());
        await (await client.GetAsync("/api/layers/teams/tiles/8/256/0.mvt")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/teams/tiles/25/0/0.mvt")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/dragons/tiles/1/0/0.mvt")).AssertProblemAsync(404);
    }
}
