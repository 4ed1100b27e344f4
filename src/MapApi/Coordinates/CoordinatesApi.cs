using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Coordinates;

public static class CoordinatesApi
{
    public sealed record Wgs84Point(double Lon, double Lat);
    public sealed record Vn2000Point(double Easting, double Northing, string Zone, double? CentralMeridian);
    public sealed record Conversion(Wgs84Point Wgs84, Vn2000Point Vn2000);

    const string ZoneHelp = "zone: utm48 (EPSG:3405), utm49 (EPSG:3406) or tm3 with central_meridian (degrees, e.g. 107.75 for Quảng Nam) or province (GSO code, e.g. 49).";

    public static IEndpointRouteBuilder MapCoordinatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/coordinates").WithTags("Coordinates");
        api.MapGet("/from-vn2000", FromVn2000)
            .WithName("Vn2000ToWgs84")
            .WithSummary("VN-2000 projected coordinates (survey data) to WGS84 longitude/latitude")
            .WithDescription(ZoneHelp)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/to-vn2000", ToVn2000)
            .WithName("Wgs84ToVn2000")
            .WithSummary("WGS84 longitude/latitude to VN-2000 projected coordinates")
            .WithDescription(ZoneHelp)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    static IResult FromVn2000(double? x, double? y, string? zone, double? central_meridian, string? province)
    {
        if (x is null || y is null) return Problems.BadRequest("x (easting) and y (northing) in metres are required.");
        // Vietnam's territory lies well inside these ranges in every VN-2000 zone.
        if (!double.IsFinite(x.Value) || !double.IsFinite(y.Value) || x is < 0 or > 1_500_000 || y is < 0 or > 3_000_000) return Problems.BadRequest("x must lie in 0–1,500,000 m and y in 0–3,000,000 m.");
        if (ParseZone(zone, central_meridian, province, out var z, out var meridian) is { } error) return Problems.BadRequest(error);
        var (lon, lat) = Vn2000.ToWgs84(x.Value, y.Value, z, meridian);
        return TypedResults.Ok(new Conversion(new(Math.Round(lon, 8), Math.Round(lat, 8)), new(x.Value, y.Value, ZoneName(z), meridian)));
    }

    static IResult ToVn2000(double? lon, double? lat, string? zone, double? central_meridian, string? province)
    {
        if (QueryParsing.TryParseLonLat(lon, lat) is { } pointError) return Problems.BadRequest(pointError);
        if (ParseZone(zone, central_meridian, province, out var z, out var meridian) is { } error) return Problems.BadRequest(error);
        var (e, n) = Vn2000.FromWgs84(lon!.Value, lat!.Value, z, meridian);
        return TypedResults.Ok(new Conversion(new(lon.Value, lat.Value), new(Math.Round(e, 3), Math.Round(n, 3), ZoneName(z), meridian)));
    }

    static string ZoneName(Vn2000.Zone zone) => zone switch { Vn2000.Zone.Utm48 => "utm48", Vn2000.Zone.Utm49 => "utm49", _ => "tm3" };

    static string? ParseZone(string? zone, double? centralMeridian, string? province, out Vn2000.Zone parsed, out double? meridian)
    {
        meridian = null;
        parsed = Vn2000.Zone.Utm48;
        switch (zone?.ToLowerInvariant())
        {
            case null or "utm48" or "3405": parsed = Vn2000.Zone.Utm48; return null;
            case "utm49" or "3406": parsed = Vn2000.Zone.Utm49; return null;
            case "tm3":
                parsed = Vn2000.Zone.Tm3;
                if (province is not null)
                {
                    if (!Vn2000.ProvinceCentralMeridians.TryGetValue(province, out var m))
                        return $"No TM-3 central meridian is known for province '{province}'; pass central_meridian instead. Known: {string.Join(", ", Vn2000.ProvinceCentralMeridians.Keys)}.";
                    meridian = m;
                    return null;
                }
                if (centralMeridian is not { } cm || !double.IsFinite(cm) || cm is < 102 or > 118)
                    return "tm3 needs central_meridian between 102 and 118 degrees, or a province code.";
                meridian = centralMeridian;
                return null;
            default:
                return "zone must be utm48, utm49 or tm3.";
        }
    }
}
