using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace ResourceMap.Api.Coordinates;

/// <summary>
/// VN-2000 ⇄ WGS84 with the official 7-parameter transformation (Circular 973/2001/TT-TCĐC),
/// written as EPSG:4756 writes it (position-vector rotations, as WKT TOWGS84 expects).
/// Vietnamese surveys use the national UTM zones (EPSG:3405 zone 48N, 3406 zone 49N, k = 0.9996)
/// and provincial TM-3 zones (k = 0.9999) with a province's own central meridian, e.g. Quảng Nam 107°45′.
/// </summary>
public static class Vn2000
{
    const string GeographicWkt = """
        GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],
        TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],
        PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]]
        """;

    /// <summary>Provincial TM-3 central meridians (Circular 973/2001), for the provinces the plans name and their neighbours.</summary>
    public static readonly IReadOnlyDictionary<string, double> ProvinceCentralMeridians = new Dictionary<string, double>
    {
        ["48"] = 107.75,  // Đà Nẵng
        ["49"] = 107.75,  // Quảng Nam
        ["51"] = 108.00,  // Quảng Ngãi
        ["79"] = 105.75,  // TP. Hồ Chí Minh
        ["91"] = 104.50,  // Kiên Giang
        ["92"] = 105.00,  // Cần Thơ
        ["94"] = 105.50,  // Sóc Trăng
        ["01"] = 105.00,  // Hà Nội
    };

    static readonly CoordinateSystemFactory Factory = new();
    static readonly CoordinateTransformationFactory Transforms = new();

    public enum Zone { Utm48, Utm49, Tm3 }

    /// <summary>The projected VN-2000 system for a zone; TM-3 needs its central meridian in degrees.</summary>
    public static ProjectedCoordinateSystem System(Zone zone, double? centralMeridian = null)
    {
        var (meridian, scale, name) = zone switch
        {
            Zone.Utm48 => (105.0, 0.9996, "VN-2000 / UTM zone 48N"),
            Zone.Utm49 => (111.0, 0.9996, "VN-2000 / UTM zone 49N"),
            _ => (centralMeridian ?? throw new ArgumentException("TM-3 needs a central meridian"), 0.9999,
                  $"VN-2000 / TM-3 {centralMeridian.Value.ToString(CultureInfo.InvariantCulture)}"),
        };
        var wkt = $"""
            PROJCS["{name}",{GeographicWkt},PROJECTION["Transverse_Mercator"],
            PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{meridian.ToString("R", CultureInfo.InvariantCulture)}],
            PARAMETER["scale_factor",{scale.ToString("R", CultureInfo.InvariantCulture)}],PARAMETER["false_easting",500000],
            PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]]
            """;
        return (ProjectedCoordinateSystem)Factory.CreateFromWkt(wkt.Replace("\n", ""));
    }

    public static (double Lon, double Lat) ToWgs84(double easting, double northing, Zone zone, double? centralMeridian = null)
    {
        var transform = Transforms.CreateFromCoordinateSystems(System(zone, centralMeridian), GeographicCoordinateSystem.WGS84);
        var (lon, lat) = transform.MathTransform.Transform(easting, northing);
        return (lon, lat);
    }

    public static (double Easting, double Northing) FromWgs84(double lon, double lat, Zone zone, double? centralMeridian = null)
    {
        var transform = Transforms.CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, System(zone, centralMeridian));
        var (x, y) = transform.MathTransform.Transform(lon, lat);
        return (x, y);
    }
}
