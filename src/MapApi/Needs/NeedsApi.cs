using System.Globalization;
using System.Security.Claims;
using Npgsql;
using NpgsqlTypes;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Needs;

/// <summary>
/// Needs (nhu cầu hỗ trợ): record, read, move through the status machine, propose teams, accept or decline.
/// Status machine (table need_transitions, 0002 migration):
///   open → proposed (a team is proposed) → accepted (accepted volunteers cover volunteers_needed) → in-progress → done;
///   proposed → open when every proposal was declined; open/proposed → declined; declined → open;
///   open/proposed/accepted/in-progress → cancelled. done and cancelled are final.
/// </summary>
public static class NeedsApi
{
    const string TransitionsDescription =
        "Manual edges: open→declined, open→cancelled, proposed→declined, proposed→cancelled, accepted→in-progress, accepted→cancelled, " +
        "in-progress→done, in-progress→cancelled, declined→open. Automatic edges follow assignments: open→proposed (a team is proposed), " +
        "proposed→open (every proposal declined), proposed→accepted (accepted volunteers cover volunteers_needed). done and cancelled are final. " +
        "Any other change → 409. Coordinators may make every manual change; the lead of a team with an accepted assignment may move the need " +
        "to in-progress and done. Cancelling or declining withdraws live assignments; done records one activity per accepted team.";

    public static IEndpointRouteBuilder MapNeedsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/needs").WithTags("Needs");

        api.MapPost("/", CreateNeed)
            .WithName("CreateNeed")
            .WithSummary("Record a need (coordinator)")
            .WithDescription("Body: {title, category, required_skills[], volunteers_needed (1–1000), window_start, window_end (YYYY-MM-DD, at most one year), " +
                             "priority (low|normal|high|urgent), public_summary, restricted_details (object, coordinators only), and the place as " +
                             "lon+lat, village_id or admin_code}. → 201 with the need as a GeoJSON Feature.")
            .RequireAuthorization(AuthSetup.CoordinatorPolicy)
            .Accepts<NewNeed>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/", ListNeeds)
            .WithName("ListNeeds")
            .WithSummary("Needs as a FeatureCollection, in id order")
            .WithDescription("status=open,proposed… (any of); limit (default 100, max 500); after (keyset: follow the 'next' link). " +
                             "restricted_details only for coordinators (and for the lead of a team accepted on that need).")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json");

        api.MapGet("/{id:long}", GetNeed)
            .WithName("GetNeed")
            .WithSummary("One need with its status history and assignments")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:long}/transitions", Transition)
            .WithName("TransitionNeed")
            .WithSummary("Change a need's status: {to, note}")
            .WithDescription(TransitionsDescription)
            .RequireAuthorization()
            .Accepts<TransitionRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapPost("/{id:long}/assignments", Assignments.Propose)
            .WithName("ProposeTeam")
            .WithSummary("Propose a team for a need (coordinator): {team_id, volunteers, note?}")
            .WithDescription("Holds `volunteers` places of the team over the need's window. 409 when the team's free capacity in the window or the " +
                             "need's remaining volunteers would be exceeded, when the team is inactive or already proposed, or when the need is not open/proposed. " +
                             "Concurrent proposals are serialised by row locks (need, then team): the loser gets 409.")
            .RequireAuthorization(AuthSetup.CoordinatorPolicy)
            .Accepts<NewAssignment>("application/json")
            .Produces(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/{id:long}/assignments/{aid:long}/accept", Assignments.Accept)
            .WithName("AcceptAssignment")
            .WithSummary("Accept a proposal (that team's lead or a coordinator)")
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/{id:long}/assignments/{aid:long}/decline", Assignments.Decline)
            .WithName("DeclineAssignment")
            .WithSummary("Decline a proposal (that team's lead or a coordinator)")
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    static async Task<IResult> CreateNeed(HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (input, error) = await ApiJson.ReadAsync<NewNeed>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        var errors = input!.Validate();
        if (errors.Count > 0) return Problems.Invalid(errors);
        var skills = input.RequiredSkills ?? [];

        await using var conn = await db.OpenConnectionAsync(ct);
        var unknown = (string[])(await conn.Command(NeedQueries.UnknownSkills, ("skills", skills)).ExecuteScalarAsync(ct))!;
        if (unknown.Length > 0)
            errors.Add($"Unknown skills: {string.Join(", ", unknown)} (see /api/skills).");

        double? lon = input.Lon, lat = input.Lat;
        string? villageAdmin = null;
        if (input.VillageId is { } villageId)
        {
            await using var r = await conn.Command(NeedQueries.VillagePoint, ("id", villageId)).ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) (lon, lat, villageAdmin) = (r.GetDouble(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2));
            else errors.Add($"There is no hardship village {villageId}.");
        }
        else if (input.AdminCode is { } code)
        {
            await using var r = await conn.Command(NeedQueries.AdminUnitPoint, ("code", code)).ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) (lon, lat) = (r.GetDouble(0), r.GetDouble(1));
            else errors.Add($"No admin unit in force has code '{code}'.");
        }
        string? adminCode = null;
        if (lon is not null && lat is not null)
        {
            await using var r = await conn.Command(NeedQueries.ContainingAdminUnit, ("lon", lon.Value), ("lat", lat.Value)).ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) adminCode = r.GetString(0);
            else errors.Add($"The place ({lon.Value.ToString(CultureInfo.InvariantCulture)}, {lat.Value.ToString(CultureInfo.InvariantCulture)}) lies outside Vietnam's admin units.");
        }
        if (errors.Count > 0) return Problems.Invalid(errors);
        if (!await me.AllowsPointAsync(conn, lon!.Value, lat!.Value, ct)) return Problems.Forbidden(me.OutOfScope("this place"));

        long id;
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await conn.Command(NeedQueries.EnsureAppSource).ExecuteNonQueryAsync(ct);
            var restricted = input.RestrictedDetails is { ValueKind: System.Text.Json.JsonValueKind.Object } d ? d.GetRawText() : null;
            id = (long)(await conn.Command(NeedQueries.Insert,
                ("title", input.Title!.Trim()), ("category", input.Category!.Trim()), ("skills", skills),
                ("volunteers", input.VolunteersNeeded!.Value), ("window_start", input.WindowStart!.Value), ("window_end", input.WindowEnd!.Value),
                ("priority", input.Priority ?? "normal"), ("public_summary", input.PublicSummary!.Trim()), ("restricted", restricted),
                ("village_id", input.VillageId), ("admin_code", villageAdmin ?? adminCode), ("lon", lon!.Value), ("lat", lat!.Value),
                ("by", me.Username)).ExecuteScalarAsync(ct))!;
            await conn.Command(NeedQueries.InsertHistory, ("need_id", id), ("from", null), ("to", "open"), ("by", me.Username), ("note", "recorded"))
                .ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        var feature = await FeatureAsync(conn, id, me, ct);
        return new GeoJsonText(feature!, StatusCodes.Status201Created, $"/api/needs/{id}");
    }

    static async Task<IResult> GetNeed(long id, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var feature = await FeatureAsync(conn, id, CurrentUser.From(principal), ct);
        return feature is null ? Problems.NotFound($"There is no need {id}.") : new GeoJsonText(feature);
    }

    internal static async Task<string?> FeatureAsync(NpgsqlConnection conn, long id, CurrentUser? viewer, CancellationToken ct)
    {
        await using var reader = await conn.Command(NeedQueries.FeatureById, ("id", id),
            ("restricted", viewer?.IsCoordinator == true), ("viewer_team", viewer?.Role == Roles.TeamLead ? viewer.TeamId : null),
            ("scope", viewer?.AdminScope), ("signed_in", viewer is not null)).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetString(1) : null;
    }

    static async Task<IResult> ListNeeds(HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct,
        string? status = null, int? limit = null, long? after = null)
    {
        if (QueryParsing.TryParseList("status", status, NeedStatuses.All, out var statuses) is { } statusError) return Problems.BadRequest(statusError);
        if (QueryParsing.TryParseLimit(limit, out var pageSize, max: 500) is { } limitError) return Problems.BadRequest(limitError);
        if (after is < 0) return Problems.BadRequest("after must be a need id (0 or more).");
        var viewer = CurrentUser.From(principal);
        var parameters = new NpgsqlParameter[]
        {
            new("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)statuses ?? DBNull.Value },
            new("after", NpgsqlDbType.Bigint) { Value = (object?)after ?? DBNull.Value },
            new("limit", pageSize),
            new("restricted", viewer?.IsCoordinator == true),
            new("viewer_team", NpgsqlDbType.Bigint) { Value = viewer?.Role == Roles.TeamLead && viewer.TeamId is { } t ? t : DBNull.Value },
            new("scope", NpgsqlDbType.Text) { Value = (object?)viewer?.AdminScope ?? DBNull.Value },
            new("signed_in", viewer is not null),
        };
        return await GeoJsonResult.ExecuteAsync(db, NeedQueries.List, parameters, pageSize,
            lastId => QueryParsing.WithQueryValue(request, "after", lastId.ToString(CultureInfo.InvariantCulture)), ct);
    }

    static async Task<IResult> Transition(long id, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (body, error) = await ApiJson.ReadAsync<TransitionRequest>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (body!.To is not { } to || !NeedStatuses.All.Contains(to))
            return Problems.BadRequest($"to must be one of: {string.Join(", ", NeedStatuses.All)}.");
        if (body.Note is { Length: > 1000 }) return Problems.BadRequest("note may be at most 1000 characters.");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            string from;
            await using (var r = await conn.Command(NeedQueries.LockNeed, ("need_id", id)).ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) return Problems.NotFound($"There is no need {id}.");
                from = r.GetString(0);
            }
            var manual = await conn.Command(NeedQueries.Transition, ("from", from), ("to", to)).ExecuteScalarAsync(ct) as bool?;
            if (manual is null)
            {
                var next = (string[])(await conn.Command(NeedQueries.ManualNextStatuses, ("from", from)).ExecuteScalarAsync(ct))!;
                return Problems.Conflict($"cannot go from {from} to {to}" +
                    (next.Length == 0 ? $": {from} is final." : $"; from {from} a need may go to: {string.Join(", ", next)}."));
            }
            if (manual == false)
                return Problems.Conflict($"cannot go from {from} to {to} by hand: " + (to switch
                {
                    "proposed" => $"a need becomes proposed when a team is proposed (POST /api/needs/{id}/assignments).",
                    "accepted" => "a need becomes accepted when accepted assignments cover volunteers_needed.",
                    _ => "a need returns to open when every proposal was declined.",
                }));
            if (me.IsCoordinator && !await me.AllowsNeedAsync(conn, id, ct))
                return Problems.Forbidden(me.OutOfScope($"need {id}"));
            if (!me.IsCoordinator)
            {
                var mayAct = to is "in-progress" or "done" && me.TeamId is { } team
                    && (bool)(await conn.Command(NeedQueries.TeamHasAcceptedAssignment, ("need_id", id), ("team_id", team)).ExecuteScalarAsync(ct))!;
                if (!mayAct) return Problems.Forbidden("Only a coordinator, or the lead of a team accepted on this need (for in-progress and done), may change its status.");
            }

            if (to is "cancelled" or "declined")
                await conn.Command(NeedQueries.WithdrawLiveAssignments, ("need_id", id), ("by", me.Username), ("note", $"need {to}")).ExecuteNonQueryAsync(ct);
            if (to == "done")
            {
                await conn.Command(NeedQueries.EnsureAppSource).ExecuteNonQueryAsync(ct);
                await conn.Command(NeedQueries.RecordActivities, ("need_id", id)).ExecuteNonQueryAsync(ct);
            }
            await SetStatusAsync(conn, id, from, to, me.Username, body.Note, ct);
            await tx.CommitAsync(ct);
        }
        return new GeoJsonText((await FeatureAsync(conn, id, me, ct))!);
    }

    internal static async Task SetStatusAsync(NpgsqlConnection conn, long needId, string from, string to, string by, string? note, CancellationToken ct)
    {
        await conn.Command(NeedQueries.SetStatus, ("need_id", needId), ("to", to)).ExecuteNonQueryAsync(ct);
        await conn.Command(NeedQueries.InsertHistory, ("need_id", needId), ("from", from), ("to", to), ("by", by), ("note", note)).ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A GeoJSON document PostGIS already rendered, sent as is.</summary>
sealed class GeoJsonText(string json, int status = StatusCodes.Status200OK, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        if (location is not null) http.Response.Headers.Location = location;
        http.Response.ContentType = GeoJsonResult.ContentType;
        await http.Response.WriteAsync(json, http.RequestAborted);
    }
}
