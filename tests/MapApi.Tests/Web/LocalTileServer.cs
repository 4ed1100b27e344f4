using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace ResourceMap.Tests.Web;

/// <summary>
/// A test-local XYZ tile server on a loopback port, standing in for a deployer's own tile server (tests never reach
/// the internet). Every /{z}/{x}/{y}.png is a generated 256-px PNG: a street grid, a river and blocks laid out in
/// world pixels, so neighbouring tiles join up and the street detail is visible in screenshots.
/// </summary>
public sealed class LocalTileServer : IDisposable
{
    readonly HttpListener listener = new();
    int served;
    public string Origin { get; }
    public string Template => Origin + "/{z}/{x}/{y}.png";
    public int TilesServed => served;

    public LocalTileServer()
    {
        var port = FreePort();
        Origin = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Origin + "/");
        listener.Start();
        _ = Task.Run(LoopAsync);
    }

    /// <summary>A tile template on a dead loopback port: a configured source that cannot be reached.</summary>
    public static string DeadTemplate() => $"http://127.0.0.1:{FreePort()}/{{z}}/{{x}}/{{y}}.png";

    /// <summary>A loopback port nothing listens on (bound and released at once): a dead tile source.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int), byte[]> made = new();

    async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); } catch { return; }
            // Each request on its own, so a slow or cancelled one holds up no other.
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var parts = context.Request.Url!.AbsolutePath.Trim('/').Replace(".png", "").Split('/');
            if (parts.Length == 3 && int.TryParse(parts[0], out var z) && int.TryParse(parts[1], out var x) && int.TryParse(parts[2], out var y))
            {
                var png = made.GetOrAdd((z, x, y), k => Tile(k.Item1, k.Item2, k.Item3));
                Interlocked.Increment(ref served);
                context.Response.ContentType = "image/png";
                context.Response.AddHeader("Access-Control-Allow-Origin", "*");
                await context.Response.OutputStream.WriteAsync(png);
            }
            else context.Response.StatusCode = 404;
        }
        // The page went on (a zoom, a closed tab) and cancelled the tile: not this server's failure. Before each request
        // ran on its own, this exception ended the accept loop and every later tile of the fixture timed out.
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        finally { try { context.Response.Close(); } catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { } }
    }

    /// <summary>One tile: land, blocks, a street grid whose spacing follows the zoom, and a river.</summary>
    public static byte[] Tile(int z, int x, int y)
    {
        const int size = 256;
        var rgb = new byte[size * size * 3];
        int spacing = z >= 15 ? 48 : z >= 12 ? 96 : 256;
        for (int py = 0; py < size; py++)
        for (int px = 0; px < size; px++)
        {
            long gx = (long)x * size + px, gy = (long)y * size + py;
            (byte r, byte g, byte b) c = (242, 239, 233);                       // land
            if ((gx / spacing + gy / spacing) % 5 == 0) c = (224, 223, 223);     // built-up blocks
            if ((gx / spacing * 7 + gy / spacing * 3) % 11 == 0) c = (205, 235, 176); // parks
            var river = Math.Abs(gy % 2048 - 1024 - 300 * Math.Sin(gx / 400.0));
            if (river < 14) c = (170, 211, 223);
            long mx = gx % spacing, my = gy % spacing;
            if (mx < 5 || my < 5) c = (mx < 1 || my < 1 || mx == 4 || my == 4) ? ((byte)190, (byte)180, (byte)170) : ((byte)255, (byte)255, (byte)255);
            if ((gx + gy) % (spacing * 8) < 7) c = (247, 250, 191);              // a main road
            var i = (py * size + px) * 3;
            rgb[i] = c.r; rgb[i + 1] = c.g; rgb[i + 2] = c.b;
        }
        return Png(size, size, rgb);
    }

    static byte[] Png(int width, int height, byte[] rgb)
    {
        using var raw = new MemoryStream();
        for (int row = 0; row < height; row++)
        {
            raw.WriteByte(0); // filter: none
            raw.Write(rgb, row * width * 3, width * 3);
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) { raw.Position = 0; raw.CopyTo(z); }
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        WriteBig(header, 0, width); WriteBig(header, 4, height);
        header[8] = 8; header[9] = 2; // 8-bit RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4]; WriteBig(len, 0, data.Length); s.Write(len);
        var body = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, 0, 4, body, 0);
        data.CopyTo(body, 4);
        s.Write(body);
        var crc = new byte[4]; WriteBig(crc, 0, (int)Crc32(body)); s.Write(crc);
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(byte[] data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    static void WriteBig(byte[] b, int at, int v) { b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v; }

    public void Dispose() { listener.Stop(); listener.Close(); }
}
