using System.Globalization;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

/// <summary>
/// Clusters from the pyramid (0090) against the aggregation over the points, on generated data: the same JSON
/// byte for byte, over many viewports; and the pyramid after writes equal to a rebuild from scratch.
/// </summary>
public sealed class ClusterPyramidTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("rm_pyramid");
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        // Dense towns, a uniform spread and coincident points on a 0.001° grid (so box edges fall on points).
        await using var command = conn.Command("""
            SELECT setseed(0.42);
            INSERT INTO data_sources (id, title, licence, accuracy, is_sample) VALUES ('gen', 'Generated test data', 'n/a', 'synthetic', true);
            ALTER TABLE teams DISABLE TRIGGER teams_admin_names;
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample)
            SELECT 'T' || g, CASE WHEN g % 5 = 0 THEN 'team' ELSE 'club' END, 'U',
                   CASE g % 4 WHEN 0 THEN ARRAY['a'] WHEN 1 THEN ARRAY['a', 'b'] WHEN 2 THEN ARRAY['b', 'c'] ELSE ARRAY['c'] END, 5,
                   CASE WHEN g % 7 = 0 THEN 'inactive' ELSE 'active' END, 5000,
                   ST_SetSRID(CASE
                       WHEN g % 3 = 0 THEN ST_MakePoint(105.8 + random() * 0.3, 21.0 + random() * 0.2)
                       WHEN g % 3 = 1 THEN ST_MakePoint(102.2 + random() * 7, 8.6 + random() * 14.8)
                       ELSE ST_MakePoint(round((106 + random() * 2)::numeric, 3)::float8, round((15 + random() * 2)::numeric, 2)::float8) END, 4326),
                   'gen', true
            FROM generate_series(1, 30000) g;
            """);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
        await using var vacuum = conn.Command("VACUUM ANALYZE teams");
        await vacuum.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    static readonly LayerDefinition Teams = LayerCatalog.Find("teams")!;

    /// <summary>Clusters of the teams in a box, optionally with one value of one filter, from the pyramid or the points.</summary>
    static async Task<string> ClustersAsync(NpgsqlConnection conn, bool pyramid, double[] box, int z, int maxCells,
        string? filterName = null, string? value = null)
    {
        var filter = filterName is null ? null : Teams.Filters.Single(f => f.Name == filterName);
        var query = new LayerQueries.FeatureQuery(Bbox: true, Search: false, AdminUnit: false, After: false, Filters: filter is null ? [] : [filter]);
        var filterParameter = filter is null ? null
            : new NpgsqlParameter(filter.Name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = new[] { value! } };
        var facet = ClusterQueries.PyramidFacet(Teams, query, filterParameter is null ? [] : [filterParameter], z);
        Assert.Equal(filter is null ? "" : $"{filterName}={value}", facet);
        await using var command = conn.Command(pyramid ? ClusterQueries.PyramidClusters(Teams, filter) : ClusterQueries.Clusters(Teams, query),
            ("layer_id", "teams"), ("min_lon", box[0]), ("min_lat", box[1]), ("max_lon", box[2]), ("max_lat", box[3]),
            ("max_cells", maxCells));
        command.Parameters.AddWithValue(pyramid ? "z" : "cell", pyramid ? z : LayerClusters.CellSizeMetres(z));
        if (pyramid) command.Parameters.AddWithValue("facet", facet!);
        if (filterParameter is not null) command.Parameters.Add(filterParameter);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_cell_size_and_finest_level_agree_between_SQL_and_CSharp()
    {
        await using var conn = await db.OpenConnectionAsync();
        for (var z = 0; z <= 14; z++)
        {
            await using var command = conn.Command("SELECT rm_cluster_cell_m(@z)", ("z", z));
            Assert.Equal(BitConverter.DoubleToInt64Bits(LayerClusters.CellSizeMetres(z)), BitConverter.DoubleToInt64Bits((double)(await command.ExecuteScalarAsync())!));
        }
        await using var max = conn.Command("SELECT rm_cluster_max_zoom()");
        Assert.Equal(LayerClusters.FeaturesFromZoom - 1, (int)(await max.ExecuteScalarAsync())!);
    }

    static List<(double[] Box, int Z, int MaxCells)> Viewports(int seed, int count)
    {
        var random = new Random(seed);
        var viewports = new List<(double[] Box, int Z, int MaxCells)>
        {
            ([102.0, 8.0, 110.0, 23.5], 3, 2000), ([102.0, 8.0, 110.0, 23.5], 6, 2000), ([102.0, 8.0, 110.0, 23.5], 6, 40),
            ([-180, -85, 180, 85], 0, 2000), ([105.8, 21.0, 106.1, 21.2], 14, 2000), ([106.0, 15.0, 108.0, 17.0], 9, 2000),
        };
        for (var i = 0; i < count; i++)
        {
            var z = 3 + i % 12;
            // A screen of roughly 1366×768 px at zoom z, somewhere over the data, its corners on the points' 0.001° grid.
            var width = 1366 * 360.0 / 256 / Math.Pow(2, z) * (0.5 + random.NextDouble());
            var height = width * 0.56;
            var minLon = Math.Round(102 + random.NextDouble() * 7, 3);
            var minLat = Math.Round(i % 4 == 0 ? 21.0 + random.NextDouble() * 0.2 - height / 2 : 8.6 + random.NextDouble() * 14, 3);
            viewports.Add(([minLon, minLat, Math.Round(minLon + width, 3), Math.Round(minLat + height, 3)], z, i % 5 == 0 ? 25 : 2000));
        }
        return viewports;
    }

    [Fact]
    public async Task Pyramid_clusters_are_identical_to_the_aggregation_over_the_points()
    {
        await using var conn = await db.OpenConnectionAsync();
        long clustered = 0;
        foreach (var (box, z, maxCells) in Viewports(11, 120))
        {
            var expected = await ClustersAsync(conn, pyramid: false, box, z, maxCells);
            var actual = await ClustersAsync(conn, pyramid: true, box, z, maxCells);
            Assert.True(expected == actual, $"z{z} [{string.Join(", ", box.Select(v => v.ToString(CultureInfo.InvariantCulture)))}] cap {maxCells}:\nold {Cut(expected)}\nnew {Cut(actual)}");
            clustered += System.Text.Json.JsonDocument.Parse(expected).RootElement.GetProperty("numberMatched").GetInt64();
        }
        Assert.True(clustered > 200_000, $"only {clustered} points compared");
    }

    [Theory]
    [InlineData("skill", "b")]     // skills @> {b}: an array column, one facet per element
    [InlineData("type", "team")]   // team_type = ANY({team}): a scalar column
    [InlineData("status", "inactive")]
    public async Task Faceted_pyramid_clusters_are_identical_to_the_filtered_aggregation(string filter, string value)
    {
        await using var conn = await db.OpenConnectionAsync();
        long clustered = 0;
        foreach (var (box, z, maxCells) in Viewports(23, 40))
        {
            var expected = await ClustersAsync(conn, pyramid: false, box, z, maxCells, filter, value);
            var actual = await ClustersAsync(conn, pyramid: true, box, z, maxCells, filter, value);
            Assert.True(expected == actual, $"{filter}={value} z{z} [{string.Join(", ", box.Select(v => v.ToString(CultureInfo.InvariantCulture)))}] cap {maxCells}:\nold {Cut(expected)}\nnew {Cut(actual)}");
            clustered += System.Text.Json.JsonDocument.Parse(expected).RootElement.GetProperty("numberMatched").GetInt64();
        }
        Assert.True(clustered > 20_000, $"only {clustered} points compared");
        // The unfiltered count differs: the facet really filters.
        var all = await ClustersAsync(conn, pyramid: true, [102.0, 8.0, 110.0, 23.5], 6, 2000);
        var some = await ClustersAsync(conn, pyramid: true, [102.0, 8.0, 110.0, 23.5], 6, 2000, filter, value);
        Assert.True(Matched(some) < Matched(all) && Matched(some) > 0, $"{Matched(some)} of {Matched(all)}");
    }

    [Fact]
    public void Only_one_value_of_one_faceted_filter_uses_the_pyramid()
    {
        var skill = Teams.Filters.Single(f => f.Name == "skill");
        var type = Teams.Filters.Single(f => f.Name == "type");
        var bbox = new LayerQueries.FeatureQuery(Bbox: true, Search: false, AdminUnit: false, After: false, Filters: []);
        NpgsqlParameter Values(string name, params string[] values) => new(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = values };
        Assert.Equal("", ClusterQueries.PyramidFacet(Teams, bbox, [], 6));
        Assert.Equal("skill=a", ClusterQueries.PyramidFacet(Teams, bbox with { Filters = [skill] }, [Values("skill", "a")], 6));
        Assert.Null(ClusterQueries.PyramidFacet(Teams, bbox with { Filters = [skill] }, [Values("skill", "a", "b")], 6));
        Assert.Null(ClusterQueries.PyramidFacet(Teams, bbox with { Filters = [skill, type] }, [Values("skill", "a"), Values("type", "club")], 6));
        Assert.Null(ClusterQueries.PyramidFacet(Teams, bbox with { Search = true }, [], 6));
        Assert.Null(ClusterQueries.PyramidFacet(Teams, bbox, [], LayerClusters.FeaturesFromZoom));
        var villages = LayerCatalog.Find("hardship-villages")!;
        var difficult = villages.Filters.Single(f => f.Name == "extremely_difficult");
        Assert.Equal("extremely_difficult=true", ClusterQueries.PyramidFacet(villages, bbox with { Filters = [difficult] },
            [new NpgsqlParameter("extremely_difficult", true)], 6));
        Assert.Null(ClusterQueries.PyramidFacet(villages, bbox with { Filters = [villages.Filters.Single(f => f.Name == "min_poverty")] },
            [new NpgsqlParameter("min_poverty", 30m)], 6));
    }

    static long Matched(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("numberMatched").GetInt64();

    static string Cut(string s) => s.Length > 600 ? s[..600] + "…" : s;

    /// <summary>The pyramid as rows, to compare with a rebuild: exact but for the means (sums of floats depend on their order).</summary>
    static async Task<List<(string Cell, double Lon, double Lat)>> PyramidAsync(NpgsqlConnection conn, string layer)
    {
        await using var command = conn.Command("""
            SELECT format('%s %s %s %s n=%s %s %s %s %s id=%s', facet, z, cx, cy, n, min_lon, min_lat, max_lon, max_lat, first_id),
                   sum_lon / n, sum_lat / n
            FROM cluster_cells WHERE layer = @layer ORDER BY facet, z, cx, cy
            """, ("layer", layer));
        var rows = new List<(string, double, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2)));
        return rows;
    }

    async Task AssertPyramidIsExactAsync(NpgsqlConnection conn, string layer, string step)
    {
        var maintained = await PyramidAsync(conn, layer);
        await using (var rebuild = conn.Command("SELECT rm_cluster_rebuild(@layer)", ("layer", layer)))
            await rebuild.ExecuteNonQueryAsync();
        var rebuilt = await PyramidAsync(conn, layer);
        Assert.True(rebuilt.Count > 0 || step == "truncate", step);
        var cells = rebuilt.Select(r => r.Cell).ToList();
        var kept = maintained.Select(r => r.Cell).ToList();
        Assert.True(cells.SequenceEqual(kept),
            $"{step}: {cells.Except(kept).Count()} cells missing or wrong, {kept.Except(cells).Count()} extra, e.g. {cells.Except(kept).FirstOrDefault()} / {kept.Except(cells).FirstOrDefault()}");
        for (var i = 0; i < rebuilt.Count; i++)
            Assert.True(Math.Abs(rebuilt[i].Lon - maintained[i].Lon) < 1e-9 && Math.Abs(rebuilt[i].Lat - maintained[i].Lat) < 1e-9, $"{step}: mean of {cells[i]}");
    }

    [Fact]
    public async Task Writes_keep_the_pyramid_equal_to_a_rebuild()
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();  // rolled back: the other tests keep their data
        async Task Run(string sql) { await using var c = conn.Command(sql); await c.ExecuteNonQueryAsync(); }

        // A bulk delete takes the rebuild path, and leaves a layer small enough for each full comparison below to be quick
        // (every facet of every level is compared: over the 30,000 points that took minutes).
        await Run("DELETE FROM teams WHERE id % 10 <> 0");
        await AssertPyramidIsExactAsync(conn, "teams", "bulk delete");
        await Run("""
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample)
            VALUES ('new', 'club', 'U', ARRAY['a'], 5, 'active', 5000, ST_SetSRID(ST_MakePoint(105.9, 21.1), 4326), 'gen', true)
            """);
        await AssertPyramidIsExactAsync(conn, "teams", "insert one");
        await Run("UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.37, ST_Y(geom) - 0.2), 4326) WHERE id % 97 = 3");
        await AssertPyramidIsExactAsync(conn, "teams", "move many");
        await Run("UPDATE teams SET capacity = capacity + 1 WHERE id % 50 = 0");
        await AssertPyramidIsExactAsync(conn, "teams", "non-spatial update");
        // Facets change without a move: a skill gained or lost, a status, a type, a language.
        await Run("UPDATE teams SET skills = skills || ARRAY['d'] WHERE id % 41 = 5");
        await AssertPyramidIsExactAsync(conn, "teams", "skill gained");
        await Run("UPDATE teams SET skills = array_remove(skills, 'a'), status = 'inactive' WHERE id % 43 = 7");
        await AssertPyramidIsExactAsync(conn, "teams", "skill lost, status changed");
        await Run("UPDATE teams SET team_type = 'group', languages = ARRAY['xdg'], geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.01, ST_Y(geom)), 4326) WHERE id % 47 = 9");
        await AssertPyramidIsExactAsync(conn, "teams", "type, language and place changed");
        await using (var count = conn.Command("SELECT (SELECT sum(n) FROM cluster_cells WHERE layer = 'teams' AND facet = 'skill=d' AND z = 0) = (SELECT count(*) FROM teams WHERE 'd' = ANY(skills))"))
            Assert.Equal(true, await count.ExecuteScalarAsync());
        await Run("DELETE FROM teams WHERE id IN (SELECT min(id) FROM teams) OR id % 89 = 1");
        await AssertPyramidIsExactAsync(conn, "teams", "delete");
        // Coincident points: the cell of a lone survivor must return its own id.
        await Run("DELETE FROM teams WHERE geom = (SELECT geom FROM teams WHERE id % 3 = 2 ORDER BY id LIMIT 1) AND id <> (SELECT max(id) FROM teams)");
        await AssertPyramidIsExactAsync(conn, "teams", "delete coincident");
        // A bulk load takes the rebuild path.
        await Run("""
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample)
            SELECT 'B' || g, 'club', 'U', ARRAY['a'], 5, 'active', 5000, ST_SetSRID(ST_MakePoint(103 + random() * 5, 10 + random() * 12), 4326), 'gen', true
            FROM generate_series(1, 8000) g
            """);
        await AssertPyramidIsExactAsync(conn, "teams", "bulk insert");

        // The activities layer is a view of approved activities: a status change moves its point in or out.
        await Run("""
            INSERT INTO activities (name, started_on, geom, source_id, status)
            SELECT 'A' || g, DATE '2026-03-26', ST_SetSRID(ST_MakePoint(106 + g * 0.01, 16 + g * 0.005), 4326), 'gen',
                   CASE WHEN g % 2 = 0 THEN 'approved' ELSE 'submitted' END
            FROM generate_series(1, 40) g
            """);
        await AssertPyramidIsExactAsync(conn, "activities", "activities inserted");
        await using (var count = conn.Command("SELECT sum(n) FROM cluster_cells WHERE layer = 'activities' AND z = 0"))
            Assert.Equal(20L, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        await Run("UPDATE activities SET status = 'approved' WHERE name IN ('A1', 'A3')");
        await AssertPyramidIsExactAsync(conn, "activities", "activities approved");
        await using (var count = conn.Command("SELECT sum(n) FROM cluster_cells WHERE layer = 'activities' AND z = 0"))
            Assert.Equal(22L, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        await Run("TRUNCATE activities CASCADE");
        await AssertPyramidIsExactAsync(conn, "activities", "truncate");
        await tx.RollbackAsync();
    }
}
