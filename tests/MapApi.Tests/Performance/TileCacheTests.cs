using System.IO.Compression;
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

    static byte[] Decompress(byte[] body, string? encoding)
    {
        using Stream input = encoding switch
        {
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => new MemoryStream(body),
        };
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    async Task<(byte[] Body, string? Encoding, string? ETag, string Vary)> GetAsync(HttpClient client, string url, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentEncoding.SingleOrDefault(),
                response.Headers.ETag?.ToString(), string.Join(",", response.Headers.Vary));
    }

    [Fact]
    public async Task A_cached_tile_is_stored_gzip_compressed_and_sent_as_stored_to_clients_that_accept_gzip()
    {
        var client = app.CreateClient();
        await using var first = app.Sql.CreateCommand("SELECT ST_X(geom), ST_Y(geom) FROM teams ORDER BY id LIMIT 1");
        await using var r = await first.ExecuteReaderAsync();
        await r.ReadAsync();
        var tile = TileMath.TileOf(r.GetDouble(0), r.GetDouble(1), 9);
        await r.DisposeAsync();
        var url = $"/api/layers/teams/tiles/9/{tile.X}/{tile.Y}.mvt";

        // The first request renders and stores; a client that sends no Accept-Encoding gets the tile itself.
        var plain = await GetAsync(client, url, null);
        Assert.Null(plain.Encoding);
        var rendered = await RenderedAsync(9, tile.X, tile.Y);
        Assert.True(rendered.Length > 100 && rendered[0] == 0x1a, "the tile should hold the first team");
        Assert.Equal(rendered, plain.Body);

        await using var storedCommand = app.Sql.CreateCommand($"SELECT mvt FROM tile_cache WHERE layer = 'teams' AND z = 9 AND x = {tile.X} AND y = {tile.Y}");
        var stored = (byte[])(await storedCommand.ExecuteScalarAsync())!;
        Assert.True(stored is [0x1f, 0x8b, ..], "the cache should hold the tile gzip-compressed");
        Assert.Equal(rendered, Decompress(stored, "gzip"));

        // As browsers ask: the stored bytes as they are, marked gzip, whatever else the client accepts.
        var browser = await GetAsync(client, url, "gzip, deflate, br");
        Assert.Equal("gzip", browser.Encoding);
        Assert.Equal(stored, browser.Body);
        Assert.Contains("Accept-Encoding", browser.Vary);
        // gzip refused: decompressed, then compressed by the middleware as the client asks.
        var brotliOnly = await GetAsync(client, url, "br, gzip;q=0");
        Assert.Equal("br", brotliOnly.Encoding);
        Assert.Equal(rendered, Decompress(brotliOnly.Body, "br"));
        // One entity, one (weak) ETag, whichever encoding carried it.
        Assert.Equal(plain.ETag, browser.ETag);
        Assert.Equal(plain.ETag, brotliOnly.ETag);

        // A tile an earlier version stored raw is still served: as stored, compressed by the middleware if asked.
        await using (var raw = app.Sql.CreateCommand($"UPDATE tile_cache SET mvt = $1 WHERE layer = 'teams' AND z = 9 AND x = {tile.X} AND y = {tile.Y}"))
        {
            raw.Parameters.Add(new NpgsqlParameter { Value = rendered });
            Assert.Equal(1, await raw.ExecuteNonQueryAsync());
        }
        var fromRaw = await GetAsync(client, url, "gzip");
        Assert.Equal("gzip", fromRaw.Encoding);
        Assert.Equal(rendered, Decompress(fromRaw.Body, "gzip"));
        Assert.Equal(rendered, (await GetAsync(client, url, null)).Body);
    }
}
