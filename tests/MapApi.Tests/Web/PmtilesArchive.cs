using ResourceMap.Tests.Infrastructure;
namespace ResourceMap.Tests.Web;

/// <summary>
/// Writes a small PMTiles v3 archive of raster tiles (the layout the deployer's file has: 127-byte header, root
/// directory, JSON metadata, tile data; no compression), so the browser can be tested on a real archive read with
/// range requests. The tiles are <see cref="LocalTileServer.Tile"/>'s street grid over a box, zoom 0 to maxZoom.
/// </summary>
public static class PmtilesArchive
{
    public static void Write(string path, double west, double south, double east, double north, int maxZoom)
    {
        var tiles = new List<(ulong Id, byte[] Png)>();
        for (var z = 0; z <= maxZoom; z++)
        {
            var (x0, y0) = TileMath.TileOf(west, north, z);
            var (x1, y1) = TileMath.TileOf(east, south, z);
            for (var x = x0; x <= x1; x++)
                for (var y = y0; y <= y1; y++)
                    tiles.Add((TileId(z, x, y), LocalTileServer.Tile(z, x, y)));
        }
        tiles.Sort((a, b) => a.Id.CompareTo(b.Id)); // directories list tiles in tile-id order (a clustered archive)

        var directory = new MemoryStream();
        WriteVarint(directory, (ulong)tiles.Count);
        ulong previous = 0;
        foreach (var (id, _) in tiles) { WriteVarint(directory, id - previous); previous = id; }
        foreach (var _ in tiles) WriteVarint(directory, 1);                        // run lengths
        foreach (var (_, png) in tiles) WriteVarint(directory, (ulong)png.Length); // lengths
        for (var i = 0; i < tiles.Count; i++) WriteVarint(directory, i == 0 ? 1 : 0UL); // offset+1 first, then 0 = contiguous
        var metadata = System.Text.Encoding.UTF8.GetBytes("""{"name":"ResourceMap test basemap","attribution":"test"}""");
        var data = tiles.SelectMany(t => t.Png).ToArray();

        const int headerLength = 127;
        var rootOffset = (ulong)headerLength;
        var metadataOffset = rootOffset + (ulong)directory.Length;
        var dataOffset = metadataOffset + (ulong)metadata.Length;
        var header = new byte[headerLength];
        "PMTiles"u8.CopyTo(header);
        header[7] = 3;
        void U64(int at, ulong v) => BitConverter.TryWriteBytes(header.AsSpan(at, 8), v);
        void I32(int at, double degrees) => BitConverter.TryWriteBytes(header.AsSpan(at, 4), (int)Math.Round(degrees * 1e7));
        U64(8, rootOffset); U64(16, (ulong)directory.Length);
        U64(24, metadataOffset); U64(32, (ulong)metadata.Length);
        U64(40, dataOffset + (ulong)data.Length); U64(48, 0);   // no leaf directories
        U64(56, dataOffset); U64(64, (ulong)data.Length);
        U64(72, (ulong)tiles.Count); U64(80, (ulong)tiles.Count); U64(88, (ulong)tiles.Count);
        header[96] = 1;   // clustered
        header[97] = 1;   // internal compression: none
        header[98] = 1;   // tile compression: none
        header[99] = 2;   // tile type: PNG
        header[100] = 0; header[101] = (byte)maxZoom;
        I32(102, west); I32(106, south); I32(110, east); I32(114, north);
        header[118] = (byte)maxZoom; I32(119, (west + east) / 2); I32(123, (south + north) / 2);

        using var file = File.Create(path);
        file.Write(header);
        directory.Position = 0; directory.CopyTo(file);
        file.Write(metadata);
        file.Write(data);
    }

    /// <summary>The tile's position on the Hilbert curve after all tiles of lower zooms (the PMTiles v3 tile id).</summary>
    public static ulong TileId(int z, int x, int y)
    {
        ulong id = ((1UL << (2 * z)) - 1) / 3;
        long tx = x, ty = y;
        for (long s = z == 0 ? 0 : 1L << (z - 1); s > 0; s >>= 1)
        {
            long rx = (tx & s) != 0 ? 1 : 0, ry = (ty & s) != 0 ? 1 : 0;
            id += (ulong)(s * s * ((3 * rx) ^ ry));
            if (ry == 0)
            {
                if (rx == 1) { tx = s - 1 - tx; ty = s - 1 - ty; }
                (tx, ty) = (ty, tx);
            }
        }
        return id;
    }

    static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
        s.WriteByte((byte)v);
    }
}
