using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Activities;

/// <summary>
/// Activities (hoạt động, công trình thanh niên) recorded through the portal. Coordinators record and edit the activities
/// in their scope, team leads those of their own team. Workflow: draft → submitted → approved | returned (→ submitted again),
/// with history. Anonymous users see approved activities only, without private notes or private sponsor names.
/// </summary>
public static partial class ActivitiesApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    [GeneratedRegex("^[A-Za-z0-9_.:-]{8,100}$")]
    private static partial Regex KeyPattern();

    public static IEndpointRouteBuilder MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/activities").WithTags("Activities");
        api.MapPost("/", Create).WithName("CreateActivity")
            .WithSummary("Record an activity as a draft (coordinator in scope, or a team lead for their team)")
            .WithDescription("Body: {name, started_on, ended_on?, lon+lat or admin_code, unit_code? (reporting unit; default the lowest unit at the place), " +
                             "campaign_id?, team_id?, need_id?, participants?, volunteer_hours?, beneficiaries?, outputs {code: quantity}, money_vnd?, in_kind?, " +
                             "sponsors [{name, amount_vnd?, public}], description?, private_notes?}. Header Idempotency-Key (8–100 of A-Z a-z 0-9 _ . : -): " +
                             "a retry with the same key returns the activity already recorded (200) instead of recording it twice.")
            .RequireAuthorization().Accepts<ActivityInput>("application/json").ProducesProblem(400).ProducesProblem(403);
        api.MapGet("/", List).WithName("ListActivities")
            .WithSummary("Activities, newest first: status, campaign (id), unit (admin code, rolls up), team, from, to, limit (≤ 500)")
            .WithDescription("Anonymous users get approved activities with public fields only; coordinators also see drafts in their scope, team leads their team's.");
        api.MapGet("/{id:long}", Get).WithName("GetActivity").WithSummary("One activity with photos (and history for its editors)").ProducesProblem(404);
        api.MapPatch("/{id:long}", Patch).WithName("PatchActivity")
            .WithSummary("Change a draft, submitted or returned activity (its editors): any member of the POST body")
            .RequireAuthorization().Accepts<ActivityInput>("application/json").ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        api.MapPost("/{id:long}/transitions", Transition).WithName("TransitionActivity")
            .WithSummary("Move an activity: {to: submitted|approved|returned, note}")
            .WithDescription("draft→submitted and returned→submitted by its editors; submitted→approved, submitted→returned and approved→returned by a " +
                             "coordinator whose scope holds the activity (returning needs a note). Anything else → 409.")
            .RequireAuthorization().Accepts<TransitionInput>("application/json").ProducesProblem(403).ProducesProblem(409);
        return app;
    }

    // ---- permissions ----------------------------------------------------------------------------

    /// <summary>May record or edit this activity: a coordinator whose scope covers it, or the lead of its team.</summary>
    static async Task<bool> MayEditAsync(CurrentUser me, Activity a, PortalDb portal, CancellationToken ct) =>
        me.IsCoordinator ? await CoversAsync(me, a.Geom, portal, ct) : me.TeamId is { } t && a.TeamId == t;

    static async Task<bool> CoversAsync(CurrentUser me, Point point, PortalDb portal, CancellationToken ct)
    {
        if (me.AdminScope is null) return true;
        var conn = await OpenAsync(portal, ct);
        return await me.AllowsPointAsync(conn, point.X, point.Y, ct);
    }

    public static async Task<NpgsqlConnection> OpenAsync(PortalDb portal, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)portal.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open) await portal.Database.OpenConnectionAsync(ct);
        return conn;
    }

    /// <summary>The geometry of an admin unit (its version in force on the date, else the latest), or null.</summary>
    public static async Task<Geometry?> UnitGeometryAsync(PortalDb portal, string code, DateOnly date, CancellationToken ct)
    {
        var conn = await OpenAsync(portal, ct);
        return await conn.Command(ActivityQueries.UnitGeometry, ("code", code), ("date", date)).ExecuteScalarAsync(ct) as Geometry;
    }

    /// <summary>Activities the user may see in full (drafts included); null = every activity.</summary>
    public static async Task<IQueryable<Activity>> VisibleAsync(CurrentUser? me, PortalDb portal, CancellationToken ct)
    {
        var q = portal.Activities.AsNoTracking();
        if (me is null) return q.Where(a => a.Status == ActivityStatus.Approved);
        if (me.IsCoordinator)
        {
            if (me.AdminScope is not { } scope) return q;
            var geom = await UnitGeometryAsync(portal, scope, VietnamTime.Today, ct);
            return geom is null ? q.Where(a => a.Status == ActivityStatus.Approved)
                : q.Where(a => a.Status == ActivityStatus.Approved || geom.Covers(a.Geom));
        }
        var team = me.TeamId;
        return q.Where(a => a.Status == ActivityStatus.Approved || a.TeamId == team);
    }

    static async Task<bool> SeesInFullAsync(CurrentUser? me, Activity a, PortalDb portal, CancellationToken ct) =>
        me is not null && await MayEditAsync(me, a, portal, ct);

    // ---- create / edit --------------------------------------------------------------------------

    static async Task<IResult> Create(HttpRequest request, ClaimsPrincipal principal, PortalDb portal, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        string? key = request.Headers[IdempotencyHeader].ToString() is { Length: > 0 } k ? k : null;
        if (key is not null && !KeyPattern().IsMatch(key))
            return Problems.BadRequest("The Idempotency-Key header must be 8–100 characters of letters, digits, _ . : or - (e.g. a UUID).");
        var (input, error) = await ApiJson.ReadAsync<ActivityInput>(request, ct);
        if (error is not null) return Problems.BadRequest(error);

        // A retry of a request already recorded returns that activity, whatever the body says now.
        if (key is not null && await portal.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.CreatedBy == me.Id && a.IdempotencyKey == key, ct) is { } done)
            return await ReplayAsync(done, me, portal, request, ct);

        var errors = input!.Validate(partial: false);
        if (!me.IsCoordinator && input.TeamId is { } other && other != me.TeamId)
            return Problems.Forbidden("A team lead records activities of their own team only.");
        var activity = new Activity
        {
            Status = ActivityStatus.Draft, RecordedVia = "portal", SourceId = "resourcemap-app", CreatedBy = me.Id, IdempotencyKey = key,
            TeamId = me.IsCoordinator ? input.TeamId : me.TeamId,
        };
        errors.AddRange(await ApplyAsync(activity, input, portal, ct));
        if (errors.Count > 0) return Problems.Invalid(errors);
        if (!await MayEditAsync(me, activity, portal, ct))
            return Problems.Forbidden(me.IsCoordinator ? me.OutOfScope("the activity's place") : "A team lead records activities of their own team only.");

        var now = DateTime.UtcNow;
        activity.CreatedAt = activity.UpdatedAt = now;
        await using var tx = await portal.Database.BeginTransactionAsync(ct);
        await (await OpenAsync(portal, ct)).Command(Needs.NeedQueries.EnsureAppSource).ExecuteNonQueryAsync(ct);
        portal.Activities.Add(activity);
        try
        {
            await portal.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && key is not null)
        {
            // Two copies of the same request raced: the other one won; answer with its activity.
            await tx.RollbackAsync(ct);
            portal.ChangeTracker.Clear();
            var winner = await portal.Activities.AsNoTracking().FirstAsync(a => a.CreatedBy == me.Id && a.IdempotencyKey == key, ct);
            return await ReplayAsync(winner, me, portal, request, ct);
        }
        portal.ActivityTransitions.Add(new ActivityTransition { ActivityId = activity.Id, ToStatus = ActivityStatus.Draft, ByUser = me.Id, At = now, Note = "recorded" });
        await portal.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        request.HttpContext.Response.Headers.Location = $"/api/activities/{activity.Id}";
        return TypedResults.Json(await ViewAsync(activity, true, portal, request, ct), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    static async Task<IResult> ReplayAsync(Activity done, CurrentUser me, PortalDb portal, HttpRequest request, CancellationToken ct)
    {
        request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return ApiJson.Ok(await ViewAsync(done, await SeesInFullAsync(me, done, portal, ct), portal, request, ct));
    }

    /// <summary>Copies the given members onto the activity, resolving place, reporting unit, campaign, team and need.</summary>
    static async Task<List<string>> ApplyAsync(Activity a, ActivityInput input, PortalDb portal, CancellationToken ct)
    {
        var errors = new List<string>();
        var conn = await OpenAsync(portal, ct);
        if (input.Name is { } name) a.Name = name.Trim();
        if (input.StartedOn is { } s) a.StartedOn = s;
        if (input.EndedOn is { } e) a.EndedOn = e;
        if (a.EndedOn is { } end && end < a.StartedOn) errors.Add("ended_on must not be before started_on.");
        if (input.Participants is { } p) a.Participants = p;
        if (input.VolunteerHours is { } h) a.VolunteerHours = h;
        if (input.Beneficiaries is { } b) a.Beneficiaries = b;
        if (input.Outputs is { } o) a.Outputs = ActivityInput.OutputsJson(o);
        if (input.MoneyVnd is { } m) a.MoneyVnd = m;
        if (input.InKind is { } ik) a.InKind = ik;
        if (input.Sponsors is { } sp) a.Sponsors = ActivityInput.SponsorsJson(sp);
        if (input.Description is { } d) a.Description = d;
        if (input.PrivateNotes is { } pn) a.PrivateNotes = pn;

        if (input.CampaignId is { } campaignId)
        {
            if (await portal.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct) is { } c) { a.CampaignId = c.Id; a.Campaign = c.Name; }
            else errors.Add($"There is no campaign {campaignId} (see /api/campaigns).");
        }
        if (input.TeamId is { } teamId && !(bool)(await conn.Command(ActivityQueries.TeamExists, ("id", teamId)).ExecuteScalarAsync(ct))!)
            errors.Add($"There is no team {teamId}.");
        if (input.NeedId is { } needId)
        {
            if ((bool)(await conn.Command(ActivityQueries.NeedExists, ("id", needId)).ExecuteScalarAsync(ct))!) a.NeedId = needId;
            else errors.Add($"There is no need {needId}.");
        }

        if (input.Lon is { } lon && input.Lat is { } lat)
            a.Geom = Wgs84.CreatePoint(new Coordinate(lon, lat));
        else if (input.AdminCode is { } code)
        {
            await using var r = await conn.Command(ActivityQueries.UnitPoint, ("code", code), ("date", a.StartedOn)).ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) a.Geom = Wgs84.CreatePoint(new Coordinate(r.GetDouble(0), r.GetDouble(1)));
            else errors.Add($"There is no admin unit with code '{code}'.");
        }
        if (a.Geom is null) return errors;
        if (input.Lon is not null || input.AdminCode is not null || input.StartedOn is not null)
            a.AdminCode = await conn.Command(ActivityQueries.LowestUnitAt, ("lon", a.Geom.X), ("lat", a.Geom.Y), ("date", a.StartedOn)).ExecuteScalarAsync(ct) as string
                          ?? input.AdminCode;
        if (input.UnitCode is { } unit)
        {
            if ((bool)(await conn.Command(ActivityQueries.UnitExists, ("code", unit)).ExecuteScalarAsync(ct))!) a.UnitCode = unit;
            else errors.Add($"There is no admin unit with code '{unit}' (unit_code).");
        }
        a.UnitCode ??= a.AdminCode;
        return errors;
    }

    static async Task<IResult> Patch(long id, HttpRequest request, ClaimsPrincipal principal, PortalDb portal, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (input, error) = await ApiJson.ReadAsync<ActivityInput>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        var activity = await portal.Activities.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null) return Problems.NotFound($"There is no activity {id}.");
        if (!await MayEditAsync(me, activity, portal, ct))
            return activity.Status == ActivityStatus.Approved ? Problems.Forbidden("Only the activity's coordinators and team lead may change it.")
                : Problems.NotFound($"There is no activity {id}.");
        if (activity.Status == ActivityStatus.Approved)
            return Problems.Conflict("An approved activity cannot be changed; a coordinator may return it first.");
        var errors = (input! with { StartedOn = input.StartedOn ?? activity.StartedOn }).Validate(partial: true);
        if (!me.IsCoordinator && input.TeamId is { } other && other != me.TeamId)
            return Problems.Forbidden("A team lead records activities of their own team only.");
        if (errors.Count > 0) return Problems.Invalid(errors);
        errors = await ApplyAsync(activity, input, portal, ct);
        if (input.TeamId is { } t) activity.TeamId = t;
        if (errors.Count > 0) return Problems.Invalid(errors);
        // Moving an activity must keep it inside what the editor may edit.
        if (!await MayEditAsync(me, activity, portal, ct)) return Problems.Forbidden(me.OutOfScope("the new place"));
        activity.UpdatedAt = DateTime.UtcNow;
        await portal.SaveChangesAsync(ct);
        return ApiJson.Ok(await ViewAsync(activity, true, portal, request, ct));
    }

    // ---- workflow -------------------------------------------------------------------------------

    static async Task<IResult> Transition(long id, HttpRequest request, ClaimsPrincipal principal, PortalDb portal, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (input, error) = await ApiJson.ReadAsync<TransitionInput>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (input!.To is null || !ActivityStatus.All.Contains(input.To))
            return Problems.BadRequest($"to must be one of {string.Join(", ", ActivityStatus.All)}.");
        if (input.Note is { Length: > 2000 }) return Problems.BadRequest("note may be at most 2000 characters.");

        await using var tx = await portal.Database.BeginTransactionAsync(ct);
        // Lock the row: two coordinators approving and returning at once must not both win.
        var activity = await portal.Activities.FromSql($"SELECT * FROM activities WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (activity is null) return Problems.NotFound($"There is no activity {id}.");
        var editor = await MayEditAsync(me, activity, portal, ct);
        if (!editor) return activity.Status == ActivityStatus.Approved
            ? Problems.Forbidden("Only a coordinator whose scope holds the activity, or its team lead, may move it.")
            : Problems.NotFound($"There is no activity {id}.");
        var edge = ActivityStatus.Edges.FirstOrDefault(x => x.From == activity.Status && x.To == input.To);
        if (edge == default)
            return Problems.Conflict($"An activity cannot go from {activity.Status} to {input.To}.");
        if (edge.Who == "coordinator" && !me.IsCoordinator)
            return Problems.Forbidden("Only a coordinator of the activity's unit may approve or return it.");
        if (input.To == ActivityStatus.Returned && string.IsNullOrWhiteSpace(input.Note))
            return Problems.BadRequest("Say why the activity is returned (note).");

        var now = DateTime.UtcNow;
        portal.ActivityTransitions.Add(new ActivityTransition
            { ActivityId = id, FromStatus = activity.Status, ToStatus = input.To, Note = input.Note, ByUser = me.Id, At = now });
        activity.Status = input.To;
        activity.UpdatedAt = now;
        if (input.To == ActivityStatus.Submitted) activity.SubmittedAt = now;
        activity.ApprovedAt = input.To == ActivityStatus.Approved ? now : null;
        await portal.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ApiJson.Ok(await ViewAsync(activity, true, portal, request, ct));
    }

    // ---- reads ----------------------------------------------------------------------------------

    static async Task<IResult> Get(long id, HttpRequest request, ClaimsPrincipal principal, PortalDb portal, CancellationToken ct)
    {
        var me = CurrentUser.From(principal);
        var activity = await portal.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null) return Problems.NotFound($"There is no activity {id}.");
        var full = await SeesInFullAsync(me, activity, portal, ct);
        if (!full && activity.Status != ActivityStatus.Approved) return Problems.NotFound($"There is no activity {id}.");
        return ApiJson.Ok(await ViewAsync(activity, full, portal, request, ct));
    }

    static async Task<IResult> List(HttpRequest request, ClaimsPrincipal principal, PortalDb portal, CancellationToken ct)
    {
        var me = CurrentUser.From(principal);
        var query = await VisibleAsync(me, portal, ct);
        var q = request.Query;
        var errors = new List<string>();
        if (q["status"].ToString() is { Length: > 0 } statusText)
        {
            var statuses = statusText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (statuses.Any(s => !ActivityStatus.All.Contains(s))) errors.Add($"status takes {string.Join(", ", ActivityStatus.All)}.");
            else query = query.Where(a => statuses.Contains(a.Status));
        }
        if (q["campaign"].ToString() is { Length: > 0 } campaignText)
        {
            if (long.TryParse(campaignText, out var campaign)) query = query.Where(a => a.CampaignId == campaign);
            else errors.Add("campaign must be a campaign id (see /api/campaigns).");
        }
        if (q["team"].ToString() is { Length: > 0 } teamText)
        {
            if (long.TryParse(teamText, out var team)) query = query.Where(a => a.TeamId == team);
            else errors.Add("team must be a team id.");
        }
        DateOnly? from = null, to = null;
        if (q["from"].ToString() is { Length: > 0 } f) { if (DateOnly.TryParseExact(f, "yyyy-MM-dd", out var d)) from = d; else errors.Add("from must be a date, YYYY-MM-DD."); }
        if (q["to"].ToString() is { Length: > 0 } t) { if (DateOnly.TryParseExact(t, "yyyy-MM-dd", out var d)) to = d; else errors.Add("to must be a date, YYYY-MM-DD."); }
        if (from is { } f2) query = query.Where(a => a.StartedOn >= f2);
        if (to is { } t2) query = query.Where(a => a.StartedOn <= t2);
        var limit = 100;
        if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit < 1 || limit > 500)) errors.Add("limit must be from 1 to 500.");
        if (q["unit"].ToString() is { Length: > 0 } unit)
        {
            if (await UnitGeometryAsync(portal, unit, to ?? VietnamTime.Today, ct) is { } geom) query = query.Where(a => geom.Covers(a.Geom));
            else errors.Add($"unit: there is no admin unit with code '{unit}'.");
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        var rows = await query.OrderByDescending(a => a.StartedOn).ThenByDescending(a => a.Id).Take(limit).ToListAsync(ct);
        var list = new JsonArray();
        foreach (var a in rows)
            list.Add(await ViewAsync(a, await SeesInFullAsync(me, a, portal, ct), portal, request, ct, withHistory: false));
        return ApiJson.Ok(new JsonObject { ["activities"] = list, ["count"] = rows.Count });
    }

    /// <summary>The activity as JSON: public members for everyone; private notes, private sponsors, history and photo EXIF for its editors.</summary>
    public static async Task<JsonObject> ViewAsync(Activity a, bool full, PortalDb portal, HttpRequest request, CancellationToken ct, bool withHistory = true)
    {
        var sponsors = JsonNode.Parse(a.Sponsors)!.AsArray();
        if (!full)
            foreach (var s in sponsors.OfType<JsonObject>())
                if (s["public"]?.GetValue<bool>() != true) s["name"] = null;
        var photos = await portal.ActivityPhotos.AsNoTracking().Where(p => p.ActivityId == a.Id).OrderBy(p => p.Id).ToListAsync(ct);
        var o = new JsonObject
        {
            ["id"] = a.Id, ["name"] = a.Name, ["status"] = a.Status, ["campaign_id"] = a.CampaignId, ["campaign"] = a.Campaign,
            ["started_on"] = a.StartedOn.ToString("yyyy-MM-dd"), ["ended_on"] = a.EndedOn?.ToString("yyyy-MM-dd"),
            ["lon"] = Math.Round(a.Geom.X, 6), ["lat"] = Math.Round(a.Geom.Y, 6), ["admin_code"] = a.AdminCode, ["unit_code"] = a.UnitCode,
            ["team_id"] = a.TeamId, ["need_id"] = a.NeedId, ["participants"] = a.Participants, ["volunteer_hours"] = a.VolunteerHours,
            ["beneficiaries"] = a.Beneficiaries, ["outputs"] = JsonNode.Parse(a.Outputs), ["money_vnd"] = a.MoneyVnd, ["in_kind"] = a.InKind,
            ["sponsors"] = sponsors, ["description"] = a.Description, ["recorded_via"] = a.RecordedVia,
            ["submitted_at"] = a.SubmittedAt, ["approved_at"] = a.ApprovedAt,
            ["photos"] = new JsonArray(photos.Select(p => (JsonNode)Photos.PhotosApi.PhotoJson(p, full)).ToArray()),
        };
        if (full)
        {
            o["private_notes"] = a.PrivateNotes;
            o["created_at"] = a.CreatedAt;
            if (withHistory)
            {
                var history = await portal.ActivityTransitions.AsNoTracking().Where(t => t.ActivityId == a.Id).OrderBy(t => t.Id).ToListAsync(ct);
                o["history"] = new JsonArray(history.Select(t => (JsonNode)new JsonObject
                    { ["from"] = t.FromStatus, ["to"] = t.ToStatus, ["note"] = t.Note, ["by_user"] = t.ByUser, ["at"] = t.At }).ToArray());
            }
        }
        return o;
    }
}
