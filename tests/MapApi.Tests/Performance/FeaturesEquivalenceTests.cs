using System.Globalization;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

/// <summary>
/// Features by bbox (ids first from the covering index, JSON for the page only) and vector tiles (the capped ids first,
/// only those rows encoded) against the statements they replaced.
/// </summary>
public sealed class FeaturesEquivalenceTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("rm_feat_eq");
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        await using var command = conn.Command("""
            SELECT setseed(0.7);
            INSERT INTO data_sources (id, title, licence, accuracy, is_sample) VALUES ('gen', 'Generated test data', 'n/a', 'synthetic', true);
            ALTER TABLE teams DISABLE TRIGGER teams_admin_names;
            INSERT INTO teams (name, team_type, parent_unit, skills, capacity, status, service_radius_m, geom, source_id, is_sample,
                               members, founded_on, last_assigned_at, description, public_phone)
            SELECT 'T' || g, 'club', 'U', ARRAY['a'], g % 30, CASE WHEN g % 9 = 0 THEN 'inactive' ELSE 'active' END, 5000,
                   ST_SetSRID(ST_MakePoint(round((105 + random() * 4)::numeric, 3)::float8, round((14 + random() * 4)::numeric, 3)::float8), 4326), 'gen', true,
                   g % 7, CASE WHEN g % 5 > 0 THEN date '2001-01-01' + g % 9000 END,
                   CASE WHEN g % 3 > 0 THEN timestamptz '2026-01-01 00:00:00+07' + g * interval '97.123457 minutes' END,
                   CASE WHEN g % 4 = 0 THEN 'Đội hình số ' || g || ' — "tiếp sức" mùa thi' END, CASE WHEN g % 6 = 0 THEN '0905 ' || g END
            FROM generate_series(1, 20000) g;
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

    /// <summary>A feature as json_build_object printed it before issue 10 (LayerQueries.FeatureJson must give the same bytes).</summary>
    static string OldFeatureJson(LayerDefinition layer) => $"""
        json_build_object('type', 'Feature', 'id', t.id,
            'geometry', ST_AsGeoJSON(t.geom, 6)::json,
            'properties', {layer.PropertiesSql.Trim()} || jsonb_build_object('layer', @layer_id::text))::text
        """;

    /// <summary>The statement served before issue 10: JSON for every row in the box, sorted, limited.</summary>
    static string OldFeatures(LayerDefinition layer, bool after, bool status) =>
        $"SELECT t.id, {OldFeatureJson(layer)}\nFROM {layer.Table} t\nWHERE TRUE\n" +
        "  AND ST_Intersects(t.geom, ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326))" +
        (status ? "\n  AND t.status = ANY(@status)" : "") + (after ? "\n  AND t.id > @after" : "") + "\nORDER BY t.id\nLIMIT @limit + 1";

    /// <summary>Runs a page statement (ids and feature text) with the parameters its query uses: a box, a search, a status filter.</summary>
    static async Task<List<(long, string)>> RunAsync(NpgsqlConnection conn, string sql, double[]? box, int limit, long? after, bool status,
        string? q = null, bool prepare = false)
    {
        await using var command = new NpgsqlCommand(sql, conn);
        command.Parameters.AddWithValue("layer_id", "teams");
        if (box is not null)
        {
            command.Parameters.AddWithValue("min_lon", box[0]); command.Parameters.AddWithValue("min_lat", box[1]);
            command.Parameters.AddWithValue("max_lon", box[2]); command.Parameters.AddWithValue("max_lat", box[3]);
        }
        if (q is not null) command.Parameters.AddWithValue("q", q);
        command.Parameters.AddWithValue("limit", limit);
        if (after is not null) command.Parameters.AddWithValue("after", after.Value);
        if (status) command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = new[] { "active" } });
        if (prepare) await command.PrepareAsync();
        var rows = new List<(long, string)>();
        await using var r = await command.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add((r.GetInt64(0), r.GetString(1)));
        return rows;
    }

    [Fact]
    public async Task Bbox_pages_are_identical_to_the_old_statement_including_edges_and_paging()
    {
        var teams = LayerCatalog.Find("teams")!;
        var statusFilter = teams.Filters.Single(f => f.Name == "status");
        var random = new Random(3);
        await using var conn = await db.OpenConnectionAsync();
        var compared = 0;
        for (var i = 0; i < 60; i++)
        {
            // Boxes on the 0.001° grid of the points, so points on the box's edges occur.
            var minLon = Math.Round(104.8 + random.NextDouble() * 4, 3); var minLat = Math.Round(13.8 + random.NextDouble() * 4, 3);
            var size = Math.Round(0.01 + random.NextDouble() * (i % 3 == 0 ? 3 : 0.3), 3);
            double[] box = [minLon, minLat, Math.Round(minLon + size, 3), Math.Round(minLat + size * 0.8, 3)];
            var status = i % 4 == 1;
            var limit = new[] { 1, 10, 100, 1000 }[i % 4];
            long? after = null;
            for (var page = 0; page < 3; page++)
            {
                var query = new LayerQueries.FeatureQuery(Bbox: true, Search: false, AdminUnit: false, After: after is not null,
                    Filters: status ? [statusFilter] : []);
                var expected = await RunAsync(conn, OldFeatures(teams, after is not null, status), box, limit, after, status);
                var actual = await RunAsync(conn, LayerQueries.Features(teams, query), box, limit, after, status);
                Assert.Equal(expected, actual);
                compared += expected.Count;
                if (expected.Count <= limit) break;
                after = expected[limit - 1].Item1;
            }
        }
        Assert.True(compared > 5000, $"only {compared.ToString(CultureInfo.InvariantCulture)} features compared");

        // Boxes around real points, from empty to a few metres wide, edges on the point or a hair beside it: the
        // shortcut for the box's inside (shrunk by 0.0001°) must never keep a point outside nor lose one on an edge.
        var points = new List<(double Lon, double Lat)>();
        await using (var r = await conn.Command("SELECT ST_X(geom), ST_Y(geom) FROM teams ORDER BY id LIMIT 30").ExecuteReaderAsync())
            while (await r.ReadAsync()) points.Add((r.GetDouble(0), r.GetDouble(1)));
        var near = 0;
        foreach (var (lon, lat) in points)
            foreach (var width in new[] { 0, 0.00005, 0.0001, 0.00019, 0.00021, 0.0003, 0.002 })
                foreach (var shift in new[] { 0, 1e-9, -1e-9, 0.0001, -0.0001 })
                {
                    double[] box = [lon + shift, lat - shift, lon + shift + width, lat - shift + width];
                    var query = new LayerQueries.FeatureQuery(Bbox: true, Search: false, AdminUnit: false, After: false, Filters: []);
                    var expected = await RunAsync(conn, OldFeatures(teams, false, false), box, 100, null, false);
                    Assert.Equal(expected, await RunAsync(conn, LayerQueries.Features(teams, query), box, 100, null, false));
                    near += expected.Count;
                }
        Assert.True(near > 100, $"only {near} features on or near the edges of the small boxes");

        // Large boxes with a point inside at a distance d from one edge: the points the shrunk box (0.0001° in from each
        // edge) takes at once and those tested exactly must together be the box's points, whichever edge.
        var banded = 0;
        var placed = new List<(long Id, double Lon, double Lat)>();
        await using (var r = await conn.Command("SELECT id, ST_X(geom), ST_Y(geom) FROM teams ORDER BY id LIMIT 10").ExecuteReaderAsync())
            while (await r.ReadAsync()) placed.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
        foreach (var (id, lon, lat) in placed)
            foreach (var d in new[] { 0, 1e-9, 0.00003, 0.00007, 0.0001, 0.00012, 0.00019, 0.00021, 0.0003 })
                foreach (var box in new double[][]
                         {
                             [lon - d, lat - 0.3, lon + 0.3, lat + 0.3], [lon - 0.3, lat - 0.3, lon + d, lat + 0.3],
                             [lon - 0.3, lat - d, lon + 0.3, lat + 0.3], [lon - 0.3, lat - 0.3, lon + 0.3, lat + d],
                         })
                {
                    var query = new LayerQueries.FeatureQuery(Bbox: true, Search: false, AdminUnit: false, After: false, Filters: []);
                    var expected = await RunAsync(conn, OldFeatures(teams, false, false), box, 1000, null, false);
                    Assert.Equal(expected, await RunAsync(conn, LayerQueries.Features(teams, query), box, 1000, null, false));
                    Assert.Contains(expected, f => f.Item1 == id);
                    banded += expected.Count;
                }
        Assert.True(banded > 10_000, $"only {banded} features in the banded boxes");
    }

    /// <summary>
    /// A search page walks a bounded number of ids, then asks the trigram index for the matches beyond them
    /// (LayerQueries.PageIds): for words in most rows, some, few and none, with and without a box, a filter and paging,
    /// and walks from one row to the whole table, the page is the one the plain walk over every row gives.
    /// </summary>
    [Fact]
    public async Task Search_pages_that_walk_then_use_the_trigram_index_equal_the_plain_walk()
    {
        var teams = LayerCatalog.Find("teams")!;
        var statusFilter = teams.Filters.Single(f => f.Name == "status");
        await using var conn = await db.OpenConnectionAsync();
        Task<List<(long, string)>> Run(string sql, string q, int limit, long? after, bool bbox, bool status, bool prepare = false) =>
            RunAsync(conn, sql, bbox ? [105.5, 14.5, 107.5, 16.5] : null, limit, after, status, q, prepare);

        // "tiep suc": a quarter of the rows; "so 12": a few hundred; "t1999": 11; "xyzzy": none; "u": every row (no trigram).
        string[] searches = ["tiep suc", "Đội hình số 12", "t1999", "mua thi t12", "xyzzy", "u"];
        var (compared, beyondWalk) = (0, 0);
        var step = 0;
        foreach (var q in searches)
            foreach (var limit in new[] { 1, 10, 100, 1000 })
                // Walks of one row (0 is read as 1), a few, a quarter of the table and all of it, then the default: any
                // walk must give the same page.
                foreach (var walk in new string?[] { "0", "1", "7", "500", "1000000000", null })
                {
                    var (bbox, status) = (step % 3 == 1, step % 4 == 2);
                    step++;
                    long? after = null;
                    for (var page = 0; page < 3; page++)
                    {
                        var query = new LayerQueries.FeatureQuery(Bbox: bbox, Search: true, AdminUnit: false, After: after is not null,
                            Filters: status ? [statusFilter] : []);
                        var plain = $"SELECT t.id, {LayerQueries.FeatureJson(teams)}\nFROM teams t\nWHERE {LayerQueries.Conditions(query)}" +
                                    (after is not null ? "\n  AND t.id > @after" : "") + "\nORDER BY t.id\nLIMIT @limit + 1";
                        var pageSql = $"WITH {LayerQueries.PageIds(teams, query, "@limit + 1", walk)}\n" +
                                      $"SELECT t.id, {LayerQueries.FeatureJson(teams)}\nFROM page p JOIN teams t ON t.id = p.id\nORDER BY t.id";
                        var expected = await Run(plain, q, limit, after, bbox, status);
                        Assert.Equal(expected, await Run(pageSql, q, limit, after, bbox, status));
                        if (walk is null)
                        {
                            Assert.True(LayerQueries.PrepareFeatures(query));
                            Assert.Equal(expected, await Run(LayerQueries.Features(teams, query), q, limit, after, bbox, status, prepare: true));
                        }
                        compared += expected.Count;
                        if (walk is "0" or "1" or "7" && expected.Count > 1) beyondWalk++;
                        if (expected.Count <= limit) break;
                        after = expected[limit - 1].Item1;
                    }
                }
        Assert.True(compared > 10_000 && beyondWalk > 20, $"{compared} features compared, {beyondWalk} pages completed beyond the walk");

        // In the generic plan the API prepares, the walk goes in id order and stops after its rows: a word in a quarter
        // of the rows reads a few hundred to fill a page of 101, and a word found nowhere reads the walk's rows (about
        // 3,400 of 20,000 here), not every row. The setting is WalkingIdsWhenSearching's.
        var searchOnly = new LayerQueries.FeatureQuery(Bbox: false, Search: true, AdminUnit: false, After: false, Filters: []);
        var positional = $"WITH {LayerQueries.PageIds(teams, searchOnly, "@limit + 1")}\nSELECT count(*) FROM page"
            .Replace("@limit", "$2").Replace("@q", "$1");
        await conn.Command("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan").ExecuteNonQueryAsync();
        await conn.Command($"PREPARE search_page(text, int) AS {positional}").ExecuteNonQueryAsync();
        async Task<(List<string> Plan, long Removed)> Explain(string q)
        {
            var plan = new List<string>();
            await using (var e = conn.Command($"EXPLAIN (ANALYZE, COSTS OFF) EXECUTE search_page('{q}', 100)"))
            await using (var r = await e.ExecuteReaderAsync())
                while (await r.ReadAsync()) plan.Add(r.GetString(0).Trim());
            return (plan, plan.Where(line => line.StartsWith("Rows Removed by Filter:", StringComparison.Ordinal))
                .Sum(line => long.Parse(line.Split(':')[1], CultureInfo.InvariantCulture)));
        }
        var (commonPlan, commonRemoved) = await Explain("tiep suc");
        var (_, absentRemoved) = await Explain("xyzzy");
        await conn.Command("DEALLOCATE search_page; RESET enable_seqscan; RESET plan_cache_mode").ExecuteNonQueryAsync();
        Assert.Contains(commonPlan, line => line.StartsWith("->  Index Scan using teams_pkey", StringComparison.Ordinal));
        Assert.InRange(commonRemoved, 100, 1000);
        Assert.InRange(absentRemoved, 1000, 6000);

        // The clusters endpoint counts and lists a search's features the same way.
        foreach (var q in searches)
        {
            var query = new LayerQueries.FeatureQuery(Bbox: false, Search: true, AdminUnit: false, After: false, Filters: []);
            var all = (long)(await conn.Command("SELECT count(*) FROM teams t WHERE t.search_text LIKE ALL (rm_like_patterns(@q))", ("q", q)).ExecuteScalarAsync())!;
            var counted = (long)(await conn.Command(ClusterQueries.CountUpTo(teams, query), ("q", q), ("cap", 500), ("layer_id", "teams")).ExecuteScalarAsync())!;
            Assert.Equal(Math.Min(all, 501), counted);
            List<long> ids;
            long returned;
            await using (var listed = await conn.Command(ClusterQueries.Features(teams, query), ("q", q), ("limit", 50), ("layer_id", "teams")).ExecuteReaderAsync())
            {
                Assert.True(await listed.ReadAsync());
                ids = System.Text.Json.Nodes.JsonNode.Parse(listed.GetString(0))!["features"]!.AsArray().Select(f => f!["id"]!.GetValue<long>()).ToList();
                returned = listed.GetInt64(1);
            }
            var expected = (await Run($"SELECT t.id, '' FROM teams t WHERE {LayerQueries.Conditions(query)} ORDER BY t.id LIMIT @limit + 1", q, 49, null, false, false))
                .Select(r => r.Item1).ToList();
            Assert.Equal(expected, ids);
            Assert.Equal(ids.Count, returned);
        }
    }

    /// <summary>
    /// The tile statement before the page-first render: every feature in the tile encoded, then sorted and capped, the
    /// properties as the layer's jsonb object.
    /// </summary>
    internal static string OldTile(LayerDefinition layer) => $"""
        WITH bounds AS (
            SELECT ST_TileEnvelope(@z, @x, @y) AS tile,
                   ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS search
        ),
        features AS (
            SELECT t.id,
                   ST_AsMVTGeom(ST_Transform(t.geom, 3857), bounds.tile, 4096, 64, true) AS geom,
                   {layer.PropertiesSql.Trim()} AS properties
            FROM {layer.Table} t, bounds
            WHERE t.geom && bounds.search
            ORDER BY t.id
            LIMIT {ApiLimits.Current.MaxFeaturesPerTile}
        )
        SELECT ST_AsMVT(features.*, @layer_id, 4096, 'geom', 'id') FROM features WHERE geom IS NOT NULL
        """;

    [Fact]
    public async Task Tiles_decode_to_the_same_features_as_the_old_statement_below_and_above_the_feature_cap()
    {
        var teams = LayerCatalog.Find("teams")!;
        await using var conn = await db.OpenConnectionAsync();
        async Task<byte[]> Render(string sql, int z, int x, int y) =>
            (byte[]?)await conn.Command(sql, ("z", z), ("x", x), ("y", y), ("layer_id", "teams")).ExecuteScalarAsync() ?? [];

        // Every tile over the generated points at z5–z8 (z5–z7 tiles hold more than the cap of 5,000), and a sample at z9–z12.
        var tiles = new HashSet<(int Z, int X, int Y)>();
        var random = new Random(5);
        for (var z = 5; z <= 12; z++)
        {
            var (x0, y0) = TileMath.TileOf(105, 18, z);
            var (x1, y1) = TileMath.TileOf(109, 14, z);
            for (var x = x0; x <= x1; x++)
                for (var y = y0; y <= y1; y++)
                    if (z <= 8 || random.NextDouble() < 40.0 / ((x1 - x0 + 1) * (y1 - y0 + 1)))
                        tiles.Add((z, x, y));
        }
        var capped = 0;
        var tileSql = await LayerTiles.TileSqlAsync(conn, teams);
        foreach (var (z, x, y) in tiles)
        {
            MvtTile.AssertSame(await Render(OldTile(teams), z, x, y), await Render(tileSql, z, x, y));
            var inTile = (long)(await conn.Command("""
                SELECT count(*) FROM teams WHERE geom && ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326)
                """, ("z", z), ("x", x), ("y", y)).ExecuteScalarAsync())!;
            if (inTile > ApiLimits.Current.MaxFeaturesPerTile) capped++;
        }
        Assert.True(tiles.Count > 100 && capped >= 3, $"{tiles.Count} tiles compared, {capped} over the cap");
    }
}
