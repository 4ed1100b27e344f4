using System.Text.Json.Nodes;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Layers;

/// <summary>
/// The viewport endpoint the web map loads by. Each class has its own database copy, so the dense
/// synthetic grid inserted here (3,000 teams off the seed data's usual places) touches no other test.
/// </summary>
public sealed class LayerClustersTests(LayerClustersTests.Fixture app) : IClassFixture<LayerClustersTests.Fixture>
{
    // A 3° × 2.5° grid of teams every 0.05°, in the Central Highlands / Lower Laos area.
    public const double GridLon = 105.0, GridLat = 12.0, Step = 0.05;
    public const int Columns = 60, Rows = 50;
    const string GridBbox = "104.99,11.99,108.0,14.5";

    public sealed class Fixture : IAsyncLifetime
    {
        public MapApiFactory Api { get; } = new();
        public async Task InitializeAsync()
        {
            await ((IAsyncLifetime)Api).InitializeAsync();
            await using var conn = await Api.Sql.OpenConnectionAsync();
            await conn.Command("""
                INSERT INTO teams (name, team_type, parent_unit, skills, geom, source_id, is_sample)
                SELECT 'Lưới thử ' || i || '-' || j, 'club', 'Đoàn thử', CASE WHEN (i + j) % 3 = 0 THEN '{first-aid}'::text[] ELSE '{}' END,
                       ST_SetSRID(ST_MakePoint(@lon + i * @step, @lat + j * @step), 4326),
                       (SELECT id FROM data_sources ORDER BY id LIMIT 1), true
                FROM generate_series(0, @cols - 1) i, generate_series(0, @rows - 1) j
                """, ("lon", GridLon), ("lat", GridLat), ("step", Step), ("cols", Columns), ("rows", Rows)).ExecuteNonQueryAsync();
        }
        public Task DisposeAsync() => ((IAsyncLifetime)Api).DisposeAsync();
    }

    async Task<long> ScalarAsync(string sql, params (string, object?)[] parameters)
    {
        await using var conn = await app.Api.Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql, parameters).ExecuteScalarAsync());
    }

    async Task<JsonNode> GetAsync(string url)
    {
        var response = await app.Api.CreateClient().GetAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    static long Weight(JsonNode feature) =>
        feature["properties"]!["cluster"]?.GetValue<bool>() == true ? feature["properties"]!["count"]!.GetValue<long>() : 1;

    [Fact]
    public async Task A_national_view_is_a_few_clusters_whose_counts_add_up_to_the_features_in_view()
    {
        var body = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=7");
        var expected = await ScalarAsync("SELECT count(*) FROM teams WHERE geom && ST_MakeEnvelope(104.99, 11.99, 108.0, 14.5, 4326)");
        Assert.True(expected >= Columns * Rows);
        Assert.Equal("clusters", body["mode"]!.GetValue<string>());
        Assert.Equal(expected, body["numberMatched"]!.GetValue<long>());
        var features = body.Features().ToList();
        Assert.InRange(features.Count, 2, 200); // far fewer objects than points
        Assert.Equal(expected, features.Sum(Weight));
        foreach (var cluster in features.Where(f => f["properties"]!["cluster"]?.GetValue<bool>() == true))
        {
            var c = cluster["geometry"]!["coordinates"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var b = cluster["properties"]!["bbox"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.InRange(c[0], b[0], b[2]); // the centre lies inside the cell's own extent
            Assert.InRange(c[1], b[1], b[3]);
            Assert.InRange(b[0], 104.99, 108.0);
            Assert.InRange(b[3], 11.99, 14.5);
        }
    }

    [Fact]
    public async Task Finer_zoom_means_more_smaller_cells_and_the_cell_cap_holds()
    {
        var coarse = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=6");
        var finer = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=9");
        Assert.True(finer.Features().Count() > coarse.Features().Count());
        Assert.True(finer["cell_size_m"]!.GetValue<double>() < coarse["cell_size_m"]!.GetValue<double>());

        // At zoom 12 a cell is ~2.4 km: every grid point (5.5 km apart) gets its own cell, 3,000 > the cap.
        var capped = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=12");
        Assert.Equal("clusters", capped["mode"]!.GetValue<string>());
        Assert.Equal(ApiLimits.Current.MaxClusterCells, capped.Features().Count());
        Assert.True(capped["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_close_or_sparse_view_returns_the_features_themselves()
    {
        // 3 × 3 grid points: few features, so individual ones, whatever the zoom.
        var sparse = await GetAsync("/api/layers/teams/clusters?bbox=105.01,12.01,105.14,12.14&zoom=6");
        Assert.Equal("features", sparse["mode"]!.GetValue<string>());
        var expected = await ScalarAsync("SELECT count(*) FROM teams WHERE geom && ST_MakeEnvelope(105.01, 12.01, 105.14, 12.14, 4326)");
        Assert.Equal(expected, sparse.Features().Count());
        Assert.All(sparse.Features(), f => Assert.Equal("teams", f["properties"]!["layer"]!.GetValue<string>()));
        Assert.All(sparse.Features(), f => Assert.NotNull(f["properties"]!["name"]));

        var close = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom={LayerClusters.FeaturesFromZoom}");
        Assert.Equal("features", close["mode"]!.GetValue<string>());
        Assert.Equal(ApiLimits.Current.MaxPageSize, close.Features().Count()); // clamped, and says so
        Assert.True(close["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Clusters_apply_the_same_filters_as_features()
    {
        var body = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=7&skill=first-aid");
        var expected = await ScalarAsync("SELECT count(*) FROM teams WHERE geom && ST_MakeEnvelope(104.99, 11.99, 108.0, 14.5, 4326) AND skills @> '{first-aid}'");
        Assert.Equal(expected, body.Features().Sum(Weight));
        Assert.Equal(expected, body["numberMatched"]!.GetValue<long>());
    }

    [Fact]
    public async Task Near_keeps_exactly_the_features_within_the_radius_in_metres()
    {
        const double lon = 106.0, lat = 13.0, radius = 20_000;
        var body = await GetAsync($"/api/layers/teams/features?near={lon},{lat}&radius_m={radius}&limit=1000");
        var ids = body.Features().Select(f => f["id"]!.GetValue<long>()).ToHashSet();
        var expected = new HashSet<long>();
        await using (var conn = await app.Api.Sql.OpenConnectionAsync())
        await using (var reader = await conn.Command("""
            SELECT id FROM teams
            WHERE ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography) <= @r
            """, ("lon", lon), ("lat", lat), ("r", radius)).ExecuteReaderAsync())
            while (await reader.ReadAsync()) expected.Add(reader.GetInt64(0));
        // 20 km around a grid point with 5.5 km spacing: a disc of a few dozen points, not a square.
        Assert.InRange(expected.Count, 30, 60);
        Assert.Equal(expected, ids);

        var clustered = await GetAsync($"/api/layers/teams/clusters?bbox={GridBbox}&zoom=7&near={lon},{lat}&radius_m={radius}");
        Assert.Equal(expected.Count, clustered.Features().Sum(Weight));
    }

    [Theory]
    [InlineData("/api/layers/teams/clusters?zoom=7")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106,13")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106,13&zoom=23")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106,13&zoom=-1")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106,13&zoom=seven")]
    [InlineData("/api/layers/teams/clusters?bbox=106,12,105,13&zoom=7")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106&zoom=7")]
    [InlineData("/api/layers/teams/clusters?bbox=105,12,106,13&zoom=7&type=dragon")]
    [InlineData("/api/layers/teams/features?near=106,13")]
    [InlineData("/api/layers/teams/features?radius_m=1000")]
    [InlineData("/api/layers/teams/features?near=106&radius_m=1000")]
    [InlineData("/api/layers/teams/features?near=200,13&radius_m=1000")]
    [InlineData("/api/layers/teams/features?near=106,13&radius_m=0")]
    [InlineData("/api/layers/teams/features?near=106,13&radius_m=600000")]
    public async Task Bad_viewport_or_near_input_gets_a_400_problem(string url)
    {
        var body = await (await app.Api.CreateClient().GetAsync(url)).AssertProblemAsync(400);
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_layer_is_a_404_problem() =>
        await (await app.Api.CreateClient().GetAsync("/api/layers/dragons/clusters?bbox=105,12,106,13&zoom=7")).AssertProblemAsync(404);
}
