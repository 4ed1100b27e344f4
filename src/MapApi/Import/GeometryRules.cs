using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO;

namespace ResourceMap.Api.Import;

/// <summary>
/// Checks and repairs geometry that users draw or import, with NetTopologySuite: WGS84 (SRID 4326),
/// coordinates in range, invalid polygons fixed (self-intersections, bow-ties), rings oriented as
/// RFC 7946 asks (exterior counter-clockwise). Errors come back in English and Vietnamese.
/// </summary>
public static class GeometryRules
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>Vietnam with a margin (islands included): records outside are refused.</summary>
    public const double MinLon = 101.0, MaxLon = 118.0, MinLat = 6.0, MaxLat = 24.5;

    public sealed record Problem(string En, string Vi);

    public static bool InVietnam(double lon, double lat) => lon is >= MinLon and <= MaxLon && lat is >= MinLat and <= MaxLat;

    public static Problem? CheckPoint(double lon, double lat)
    {
        if (double.IsFinite(lon) && double.IsFinite(lat) && !InVietnam(lon, lat) && InVietnam(lat, lon))
            return new("longitude and latitude look swapped (longitude comes first, about 102–110)", "kinh độ và vĩ độ có vẻ bị đảo (kinh độ khoảng 102–110)");
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
            return new("longitude must be −180…180 and latitude −90…90", "kinh độ phải trong −180…180 và vĩ độ trong −90…90");
        if (!InVietnam(lon, lat))
            return new($"the point {lon:0.####}, {lat:0.####} lies outside Vietnam", $"điểm {lon:0.####}, {lat:0.####} nằm ngoài Việt Nam");
        return null;
    }

    public static Point MakePoint(double lon, double lat) => Factory.CreatePoint(new Coordinate(lon, lat));

    /// <summary>A polygon or multipolygon as a valid, RFC 7946-oriented MultiPolygon in SRID 4326, or a problem.</summary>
    public static (MultiPolygon? Area, Problem? Problem) Area(Geometry? geometry)
    {
        if (geometry is null || geometry.IsEmpty) return (null, new("the area is empty", "vùng rỗng"));
        if (geometry is not (Polygon or MultiPolygon))
            return (null, new($"an area must be a Polygon or MultiPolygon, not a {geometry.GeometryType}", $"vùng phải là đa giác (Polygon/MultiPolygon), không phải {geometry.GeometryType}"));
        if (geometry.Coordinates.Any(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y) || !InVietnam(c.X, c.Y)))
            return (null, new("the area has points outside Vietnam (coordinates must be longitude, latitude in WGS84)", "vùng có điểm nằm ngoài Việt Nam (tọa độ phải là kinh độ, vĩ độ WGS84)"));
        if (geometry.Coordinates.Length > 20_000)
            return (null, new("the area has more than 20000 points; simplify it", "vùng có hơn 20000 điểm; hãy đơn giản hóa"));
        var fixedGeometry = geometry.IsValid ? geometry : GeometryFixer.Fix(geometry);
        var polygons = PolygonsOf(fixedGeometry).Where(p => !p.IsEmpty && p.Area > 0).Select(Orient).ToArray();
        if (polygons.Length == 0) return (null, new("the area has no surface (fewer than three distinct points)", "vùng không có diện tích (ít hơn ba điểm khác nhau)"));
        var multi = Factory.CreateMultiPolygon(polygons);
        multi.SRID = 4326;
        return (multi, null);
    }

    static IEnumerable<Polygon> PolygonsOf(Geometry g) => g switch
    {
        Polygon p => [p],
        GeometryCollection c => Enumerable.Range(0, c.NumGeometries).SelectMany(i => PolygonsOf(c.GetGeometryN(i))),
        _ => [],
    };

    /// <summary>Exterior ring counter-clockwise, holes clockwise (RFC 7946 §3.1.6).</summary>
    static Polygon Orient(Polygon p)
    {
        LinearRing Ring(LinearRing r, bool ccw) => Orientation.IsCCW(r.CoordinateSequence) == ccw ? Factory.CreateLinearRing(r.Coordinates) : (LinearRing)Factory.CreateLinearRing(r.Coordinates).Reverse();
        return Factory.CreatePolygon(Ring(p.Shell, true), p.Holes.Select(h => Ring(h, false)).ToArray());
    }

    /// <summary>Extended WKB with the SRID, for PostGIS's ST_GeomFromEWKB or a jsonb row with hex geometry.</summary>
    public static byte[] ToEwkb(Geometry g)
    {
        g.SRID = 4326;
        return new WKBWriter(ByteOrder.LittleEndian, handleSRID: true, emitZ: false, emitM: false).Write(g);
    }

    public static string ToEwkbHex(Geometry g) => Convert.ToHexString(ToEwkb(g));

    public static Geometry FromEwkb(byte[] ewkb)
    {
        var g = new WKBReader().Read(ewkb);
        g.SRID = 4326;
        return g;
    }

    /// <summary>Parses one GeoJSON geometry object.</summary>
    public static Geometry? ParseGeoJson(string json)
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        options.Converters.Add(new NetTopologySuite.IO.Converters.GeoJsonConverterFactory(Factory));
        return System.Text.Json.JsonSerializer.Deserialize<Geometry>(json, options);
    }
}
