namespace ResourceMap.Tests.Infrastructure;

/// <summary>Slippy-map tile arithmetic (Web Mercator, as ST_TileEnvelope), shared by the tile tests.</summary>
public static class TileMath
{
    /// <summary>The z/x/y tile holding a WGS 84 point (clamped to the grid).</summary>
    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var r = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }
}
