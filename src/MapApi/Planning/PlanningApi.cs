using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Planning;

public static class PlanningApi
{
    public sealed record AreaSummary(
        string Code, string Name, long Teams, long ActiveTeams, long ActiveCapacity, long HardshipVillages,
        long UncoveredVillages, long RedAddresses, long OpenNeeds, long ActivityParticipants);

    public static IEndpointRouteBuilder MapPlanningApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/planning").WithTags("Planning");
        api.MapGet("/coverage", Coverage)
            .WithName("VillageCoverage")
            .WithSummary("Hardship villages ranked by how poorly volunteer teams cover them")
            .WithDescription("A village is covered by each active team whose service radius reaches it (metres on the ellipsoid). " +
                             "admin: admin unit code (version in force on date); uncovered=true keeps villages no team reaches; limit ≤ 1000.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/summary", Summary)
            .WithName("PlanningSummary")
            .WithSummary("Per admin unit: teams, capacity, hardship villages and how many no team reaches, red addresses, open needs")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    static async Task<IResult> Coverage(NpgsqlDataSource db, HttpRequest request, CancellationToken ct,
        string? admin = null, DateOnly? date = null, bool uncovered = false, int? limit = null)
    {
        if (QueryParsing.TryParseLimit(limit, out var pageSize) is { } limitError) return Problems.BadRequest(limitError);
        var parameters = new List<NpgsqlParameter> { new("limit", pageSize) };
        long? adminUnitId = null;
        if (!string.IsNullOrWhiteSpace(admin))
        {
            adminUnitId = await LayersApi.ResolveAdminUnitAsync(db, admin.Trim(), date, ct);
            if (adminUnitId is null) return Problems.BadRequest($"No admin unit has code '{admin}'.", "Unknown admin unit");
            parameters.Add(new("admin_unit_id", adminUnitId.Value));
        }
        return await GeoJsonResult.ExecuteAsync(db, PlanningQueries.Coverage(adminUnitId is not null, uncovered), parameters, pageSize, null, ct);
    }

    static async Task<IResult> Summary(NpgsqlDataSource db, CancellationToken ct,
        string? level = null, string? parent = null, DateOnly? date = null)
    {
        level ??= "province";
        if (level is not ("province" or "district" or "commune")) return Problems.BadRequest("level must be province, district or commune.");
        if (parent is { Length: > 20 }) return Problems.BadRequest("parent must be an admin unit code.");
        var rows = new List<AreaSummary>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var command = conn.Command(PlanningQueries.Summary,
            ("level", level), ("parent", parent), ("date", date ?? VietnamTime.Today));
        command.Parameters["parent"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new AreaSummary(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)));
        return TypedResults.Ok(rows);
    }
}
