using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.AdminUnits;

public static class AdminUnitsApi
{
    static readonly string[] Levels = ["country", "province", "district", "commune"];
    static readonly string[] GeometryDetails = ["none", "simplified", "full"];

    public static IEndpointRouteBuilder MapAdminUnitsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin-units").WithTags("Admin units");

        api.MapGet("/", ListAdminUnits)
            .WithName("ListAdminUnits")
            .WithSummary("Admin units in force on a date (default today), by level, parent or name")
            .WithDescription("level: country, province, district or commune. date: YYYY-MM-DD — e.g. 2024-01-01 gives the 63 provinces before the 2025 merger. " +
                             "geometry: none, simplified (default) or full. q ignores case and diacritics. limit default 100, max 1000.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/at", AdminUnitsAt)
            .WithName("AdminUnitsAtPoint")
            .WithSummary("The admin units (country → commune) containing a WGS84 point on a date")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/{code}", GetAdminUnit)
            .WithName("GetAdminUnit")
            .WithSummary("One admin unit by official code: the version in force on the date, else the latest")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{code}/in-force", InForce)
            .WithName("AdminUnitInForce")
            .WithSummary("What a unit code means on a date (default today): the units then in force that hold its place")
            .WithDescription("Records keep the admin code in force when they were made (e.g. 51601, a commune until 2025-07-01); this resolves it " +
                             "to today's country, province (and commune, once communes have boundaries). A commune since July 2025 without a boundary " +
                             "resolves to itself and its province. geometry: none (default), simplified or full.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    static async Task<IResult> InForce(string code, NpgsqlDataSource db, CancellationToken ct, DateOnly? date = null, string? geometry = null)
    {
        if (CheckGeometry(geometry ?? "none", out var detail) is { } geometryError) return geometryError;
        if (code.Length > 20) return Problems.NotFound($"No admin unit has code '{code[..20]}…'.");
        await using (var conn = await db.OpenConnectionAsync(ct))
            if (await conn.Command("SELECT rm_admin_unit_version(@code, @date)", ("code", code), ("date", date ?? Today)).ExecuteScalarAsync(ct) is not long)
                return Problems.NotFound($"No admin unit has code '{code}'.");
        var parameters = new List<NpgsqlParameter> { new("code", code), new("date", date ?? Today), new("limit", 10) };
        return await GeoJsonResult.ExecuteAsync(db, AdminUnitQueries.InForceFor(detail), parameters, 10, null, ct);
    }

    static async Task<IResult> ListAdminUnits(NpgsqlDataSource db, HttpRequest request, CancellationToken ct,
        string? level = null, string? parent = null, DateOnly? date = null, string? q = null,
        string? geometry = null, int? limit = null, long? after = null)
    {
        if (level is not null && !Levels.Contains(level)) return Problems.BadRequest($"level must be one of: {string.Join(", ", Levels)}.");
        if (CheckGeometry(geometry, out var detail) is { } geometryError) return geometryError;
        if (QueryParsing.TryParseSearch(q, out var search) is { } searchError) return Problems.BadRequest(searchError);
        if (QueryParsing.TryParseLimit(limit, out var pageSize) is { } limitError) return Problems.BadRequest(limitError);
        if (parent is { Length: > 20 }) return Problems.BadRequest("parent must be an admin unit code.");

        var parameters = new List<NpgsqlParameter> { new("date", date ?? Today), new("limit", pageSize) };
        if (level is not null) parameters.Add(new("level", level));
        if (parent is not null) parameters.Add(new("parent", parent));
        if (search is not null) parameters.Add(new("q", search));
        if (after is not null) parameters.Add(new("after", after.Value));

        var sql = AdminUnitQueries.List(detail, level is not null, parent is not null, search is not null, after is not null);
        return await GeoJsonResult.ExecuteAsync(db, sql, parameters, pageSize,
            lastId => QueryParsing.WithQueryValue(request, "after", lastId.ToString()), ct);
    }

    static async Task<IResult> AdminUnitsAt(NpgsqlDataSource db, CancellationToken ct,
        double? lon = null, double? lat = null, DateOnly? date = null, string? geometry = null)
    {
        if (QueryParsing.TryParseLonLat(lon, lat) is { } pointError) return Problems.BadRequest(pointError);
        if (CheckGeometry(geometry ?? "none", out var detail) is { } geometryError) return geometryError;
        var parameters = new List<NpgsqlParameter>
        {
            new("lon", lon!.Value), new("lat", lat!.Value), new("date", date ?? Today), new("limit", 10),
        };
        return await GeoJsonResult.ExecuteAsync(db, AdminUnitQueries.At(detail), parameters, 10, null, ct);
    }

    static async Task<IResult> GetAdminUnit(string code, NpgsqlDataSource db, CancellationToken ct,
        DateOnly? date = null, string? geometry = null)
    {
        if (CheckGeometry(geometry, out var detail) is { } geometryError) return geometryError;
        if (code.Length > 20) return Problems.NotFound($"No admin unit has code '{code[..20]}…'.");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.Command(AdminUnitQueries.ByCode(detail), ("code", code), ("date", date ?? Today))
            .ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return Problems.NotFound($"No admin unit has code '{code}'.");
        return TypedResults.Text(reader.GetString(1), GeoJsonResult.ContentType);
    }

    static DateOnly Today => VietnamTime.Today;

    static IResult? CheckGeometry(string? geometry, out string detail)
    {
        detail = geometry ?? "simplified";
        return GeometryDetails.Contains(detail) ? null
            : Problems.BadRequest($"geometry must be one of: {string.Join(", ", GeometryDetails)}.");
    }
}
