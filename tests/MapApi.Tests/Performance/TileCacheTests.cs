using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

public sealed class TileCacheTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    async Task<bool> CachedAsync(int z, int x, int y)
    {
        await using var command = app.Sql.CreateCommand("SELECT count(*) FROM tile_cache WHERE layer = 'teams' AND z = $1 AND x = $2 AND y = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = (short)z }); command.Parameters.Add(new NpgsqlParameter { Value = x }); command.Parameters.Add(new NpgsqlParameter { Value = y });
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    async Task<byte[]> RenderedAsync(int z, int x, int y)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        return (byte[]?)await conn.Command(await LayerTiles.TileSqlAsync(conn, LayerCatalog.Find("teams")!), ("z", z), ("x", x), ("y", y), ("layer_id", "teams")).ExecuteScalarAsync() ?? [];
    }

    [Fact]
    public async Task A_write_removes_exactly_the_cached_tiles_that_hold_the_feature_and_the_next_read_is_fresh()
    {
        var client = app.CreateClient();
        // A place in Quảng Nam, and far away in Hà Nội (the negative control); z8 and z10 tiles of each.
        var (lon, lat) = (108.05, 15.55);
        var near8 = TileMath.TileOf(lon, lat, 8); var near10 = TileMath.TileOf(lon, lat, 10);
        var far8 = TileMath.TileOf(105.85, 21.03, 8);
        var neighbour10 = (near10.X + 2, near10.Y);   // two tiles east at z10: outside the margin
        var tiles = new[] { (8, near8.X, near8.Y), (10, near10.X, near10.Y), (8, far8.X, far8.Y), (10, neighbour10.Item1, neighbour10.Y), (12, TileMath.TileOf(lon, lat, 12).X, TileMath.TileOf(lon, lat, 12).Y) };
        var before = new Dictionary<(int, int, int), byte[]>();
        foreach (var t in tiles)
            before[t] = await (await client.GetAsync($"/api/layers/teams/tiles/{t.Item1}/{t.Item2}/{t.Item3}.mvt")).Content.ReadAsByteArrayAsync();
        Assert.True(await CachedAsync(8, near8.X, near8.Y));
        Assert.True(await CachedAsync(10, near10.X, near10.Y));
        Assert.True(await CachedAsync(8, far8.X, far8.Y));
        Assert.False(await CachedAsync(12, tiles[4].Item2, tiles[4].Item3));   // beyond rm_tile_cache_max_zoom()
        // A hit serves the stored bytes: equal to a fresh render while nothing changed.
        Assert.Equal(await RenderedAsync(8, near8.X, near8.Y), await (await client.GetAsync($"/api/layers/teams/tiles/8/{near8.X}/{near8.Y}.mvt")).Content.ReadAsByteArrayAsync());

        await using (var command = app.Sql.CreateCommand("""
            INSERT INTO teams (name, team_type, parent_unit, geom, source_id, is_sample)
            SELECT 'Tile cache test', 'club', 'Test', ST_SetSRID(ST_MakePoint(108.05, 15.55), 4326), id, true FROM data_sources LIMIT 1
            """))
            await command.ExecuteNonQueryAsync();

        Assert.False(await CachedAsync(8, near8.X, near8.Y));
        Assert.False(await CachedAsync(10, near10.X, near10.Y));
        Assert.True(await CachedAsync(8, far8.X, far8.Y), "a tile far from the write was removed");
        Assert.True(await CachedAsync(10, neighbour10.Item1, neighbour10.Y), "a tile two tiles away was removed");

        var after = await (await client.GetAsync($"/api/layers/teams/tiles/8/{near8.X}/{near8.Y}.mvt")).Content.ReadAsByteArrayAsync();
        Assert.NotEqual(before[(8, near8.X, near8.Y)], after);
        Assert.Equal(await RenderedAsync(8, near8.X, near8.Y), after);
        Assert.Equal(before[(8, far8.X, far8.Y)], await (await client.GetAsync($"/api/layers/teams/tiles/8/{far8.X}/{far8.Y}.mvt")).Content.ReadAsByteArrayAsync());

        // Moving the new team away removes the tiles of its old place (and of its new one).
        await using (var command = app.Sql.CreateCommand("UPDATE teams SET geom = ST_SetSRID(ST_MakePoint(105.85, 21.03), 4326) WHERE name = 'Tile cache test'"))
            await command.ExecuteNonQueryAsync();
        Assert.False(await CachedAsync(8, near8.X, near8.Y));
        Assert.False(await CachedAsync(8, far8.X, far8.Y));
        Assert.Equal(before[(8, near8.X, near8.Y)], await (await client.GetAsync($"/api/layers/teams/tiles/8/{near8.X}/{near8.Y}.mvt")).Content.ReadAsByteArrayAsync());
    }
}
