using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

/// <summary>
/// Every layer's tiles, properties as typed columns (LayerTiles), against the layer's jsonb object as the tiles were
/// built before: over the seed data, with numbers that jsonb writes as integers (12.0) and as doubles (12.5).
/// </summary>
public sealed class TilePropertiesTests : IAsyncLifetime
{
    string database = "";
    NpgsqlDataSource db = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateSeededCopyAsync();
        db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
        await using var conn = await db.OpenConnectionAsync();
        await conn.Command("""
            UPDATE hardship_villages SET poverty_rate = CASE WHEN id % 2 = 0 THEN 12.0 ELSE 12.5 END
            WHERE id IN (SELECT id FROM hardship_villages ORDER BY id LIMIT 6)
            """).ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    [Fact]
    public async Task Every_layers_tiles_decode_to_the_same_features_as_its_jsonb_properties_gave()
    {
        await using var conn = await db.OpenConnectionAsync();
        var kinds = new HashSet<string>();
        foreach (var layer in LayerCatalog.All)
        {
            // The tiles at z6, z9 and z12 holding a point of each of the layer's first 40 features.
            var tiles = new HashSet<(int Z, int X, int Y)>();
            await using (var r = await conn.Command($"""
                SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM {layer.Table} ORDER BY id LIMIT 40) f
                """).ExecuteReaderAsync())
                while (await r.ReadAsync())
                    foreach (var z in new[] { 6, 9, 12 })
                    {
                        var (x, y) = TileMath.TileOf(r.GetDouble(0), r.GetDouble(1), z);
                        tiles.Add((z, x, y));
                    }

            var tileSql = await LayerTiles.TileSqlAsync(conn, layer);
            var features = 0;
            foreach (var (z, x, y) in tiles)
            {
                async Task<byte[]> Render(string sql) =>
                    (byte[]?)await conn.Command(sql, ("z", z), ("x", x), ("y", y), ("layer_id", layer.Id)).ExecuteScalarAsync() ?? [];
                var expected = await Render(FeaturesEquivalenceTests.OldTile(layer));
                MvtTile.AssertSame(expected, await Render(tileSql));
                foreach (var decoded in MvtTile.Decode(expected))
                {
                    features += decoded.Features.Count;
                    kinds.UnionWith(decoded.Values.Select(v => v.Split(':')[0]));
                }
            }
            Assert.True(features > 0, $"layer {layer.Id}: no feature in {tiles.Count} tiles");
        }
        // The comparison met every kind of value the layers hold: strings (dates and instants among them), unsigned
        // integers, booleans and doubles (the 12.5 poverty rates).
        Assert.Superset(new HashSet<string> { "string", "uint", "bool", "double" }, kinds);
    }
}
