using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Matching;

namespace ResourceMap.Api.Teams;

/// <summary>Team profiles as matching reads them, kept current by their leads (or coordinators).</summary>
public static class TeamsApi
{
    public sealed record Period(DateOnly? From, DateOnly? To);
    public sealed record AvailabilityBody(Period[]? Periods);
    public sealed record AvailabilityView(long TeamId, IReadOnlyList<Period> Availability);

    public sealed record NearbyNeed(
        long NeedId, string Title, string Category, string Priority, string Status, double Lon, double Lat,
        DateOnly WindowStart, DateOnly WindowEnd, string[] RequiredSkills, double DistanceM,
        string[] SkillsCovered, string[] SkillsMissing, double SkillCoverage, int VolunteersStillNeeded,
        int FreeCapacity, bool Available, double Score, string Reasons, string ReasonsVi,
        double ReachM, int? DaysSinceLastAssignment, int RecentAssignments);
    public sealed record NearbyNeedsResponse(long TeamId, IReadOnlyList<NearbyNeed> Needs, string ScoreFormula);


    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/teams").WithTags("Teams");

        api.MapGet("/{id:long}", GetTeam)
            .WithName("GetTeam")
            .WithSummary("A team's profile as a GeoJSON Feature, with availability and committed places")
            .WithDescription("private_contact_name, private_phone and private_email only for coordinators and the team's own lead.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPatch("/{id:long}", PatchTeam)
            .WithName("UpdateTeam")
            .WithSummary("Update a team's profile (its lead or a coordinator)")
            .WithDescription("Any of: capacity (0–10000), members (0–100000), status (active|inactive), skills (codes from /api/skills), " +
                             "service_radius_m (100–500000 or null), description, public_phone, public_email, public_url, private_contact_name, " +
                             "private_phone, private_email (strings or null). Returns the updated Feature.")
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapPut("/{id:long}/availability", PutAvailability)
            .WithName("SetTeamAvailability")
            .WithSummary("Replace a team's availability: {periods: [{from, to}]} (dates inclusive)")
            .RequireAuthorization()
            .Accepts<AvailabilityBody>("application/json")
            .Produces<AvailabilityView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/{id:long}/nearby-needs", NearbyNeeds)
            .WithName("NearbyNeeds")
            .WithSummary("Open needs within the team's reach that ask for its skills, best first")
            .WithDescription($"limit (default {ApiLimits.Current.DefaultMatches}, max {ApiLimits.Current.MaxMatches}). Same score as matching, from the team's side; " +
                             "C is 0 when the team is not available for the need's whole window. Ties: more urgent first. " + MatchingQueries.ScoreFormula)
            .Produces<NearbyNeedsResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> GetTeam(long id, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var feature = await FeatureAsync(conn, id, CurrentUser.From(principal), ct);
        return feature is null ? Problems.NotFound($"There is no team {id}.") : Results.Text(feature, GeoJsonResult.ContentType);
    }

    static async Task<string?> FeatureAsync(NpgsqlConnection conn, long id, CurrentUser? viewer, CancellationToken ct)
    {
        var mayReadPrivate = viewer is not null && (viewer.LeadsTeam(id) || viewer.IsCoordinator && await viewer.AllowsTeamAsync(conn, id, ct));
        return await conn.Command(TeamQueries.FeatureById, ("id", id), ("private", mayReadPrivate)).ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Only the team's lead, or a coordinator whose scope holds the team, may change it.</summary>
    static async Task<IResult?> RefuseEditAsync(CurrentUser me, long id, NpgsqlDataSource db, string action, CancellationToken ct)
    {
        if (!me.MayEditTeam(id)) return Problems.Forbidden($"Only team {id}'s lead or a coordinator may {action}.");
        if (me.LeadsTeam(id) || me.AdminScope is null) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await me.AllowsTeamAsync(conn, id, ct) ? null : Problems.Forbidden(me.OutOfScope($"team {id}"));
    }

    static async Task<IResult> PatchTeam(long id, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (await RefuseEditAsync(me, id, db, "edit it", ct) is { } refused) return refused;
        var (body, error) = await ApiJson.ReadObjectAsync(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (body!.Count == 0) return Problems.BadRequest($"Send at least one of: {string.Join(", ", TeamQueries.Editable)}.");

        var errors = new List<string>();
        var values = new Dictionary<string, NpgsqlParameter>();
        foreach (var (name, node) in body)
        {
            if (!TeamQueries.Editable.Contains(name)) { errors.Add($"'{name}' cannot be edited here (editable: {string.Join(", ", TeamQueries.Editable)})."); continue; }
            if (ParseField(name, node, out var parameter) is { } fieldError) errors.Add(fieldError);
            else values[name] = parameter!;
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        if (values.TryGetValue("skills", out var skillsParam))
        {
            var unknown = (string[])(await conn.Command(TeamQueries.UnknownSkills, ("skills", skillsParam.Value)).ExecuteScalarAsync(ct))!;
            if (unknown.Length > 0) errors.Add($"Unknown skills: {string.Join(", ", unknown)} (see /api/skills).");
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // Same lock proposals take on the team, so a capacity change and a proposal never interleave.
            if (await conn.Command(TeamQueries.LockTeam, ("id", id)).ExecuteScalarAsync(ct) is null)
                return Problems.NotFound($"There is no team {id}.");
            await using var update = conn.Command(TeamQueries.Update(values.Keys), ("id", id));
            update.Parameters.AddRange(values.Values.ToArray());
            try { await update.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
            {
                return Problems.BadRequest($"A value is out of range ({e.ConstraintName}).");
            }
            await tx.CommitAsync(ct);
        }
        return Results.Text((await FeatureAsync(conn, id, me, ct))!, GeoJsonResult.ContentType);
    }

    static string? ParseField(string name, JsonNode? node, out NpgsqlParameter? parameter)
    {
        parameter = null;
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        switch (name)
        {
            case "capacity" or "members":
                var max = name == "capacity" ? 10_000 : 100_000;
                if (kind != JsonValueKind.Number || !node!.AsValue().TryGetValue<int>(out var n) || n < 0 || n > max)
                    return $"{name} must be a whole number from 0 to {max}.";
                parameter = new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = n };
                return null;
            case "service_radius_m":
                if (kind == JsonValueKind.Null) { parameter = new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = DBNull.Value }; return null; }
                if (kind != JsonValueKind.Number || !node!.AsValue().TryGetValue<int>(out var r) || r < 100 || r > 500_000)
                    return "service_radius_m must be a whole number of metres from 100 to 500000, or null.";
                parameter = new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = r };
                return null;
            case "status":
                if (kind != JsonValueKind.String || node!.GetValue<string>() is not ("active" or "inactive")) return "status must be active or inactive.";
                parameter = new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = node.GetValue<string>() };
                return null;
            case "skills":
                if (kind != JsonValueKind.Array) return "skills must be an array of skill codes.";
                var skills = node!.AsArray().Select(s => s?.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null).ToArray();
                if (skills.Any(s => s is null or { Length: 0 or > 60 })) return "skills must be an array of skill codes.";
                if (skills.Length > 30) return "A team may list at most 30 skills.";
                parameter = new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = skills.Distinct().ToArray() };
                return null;
            default: // text fields
                if (kind == JsonValueKind.Null) { parameter = new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value }; return null; }
                var maxLength = name == "description" ? 2000 : 200;
                if (kind != JsonValueKind.String) return $"{name} must be a string or null.";
                var text = node!.GetValue<string>().Trim();
                if (text.Length > maxLength) return $"{name} may be at most {maxLength} characters.";
                if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r'))) return $"{name} must not contain control characters.";
                // The public page links to it: only web addresses, never javascript: or data: URLs.
                if (name == "public_url" && text.Length > 0
                    && !(Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                    return "public_url must be an http:// or https:// address.";
                if (name == "public_email" && text.Length > 0 && (text.Count(c => c == '@') != 1 || text.Any(char.IsWhiteSpace)))
                    return "public_email must be an e-mail address.";
                parameter = new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = text.Length == 0 ? DBNull.Value : text };
                return null;
        }
    }

    static async Task<IResult> PutAvailability(long id, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (await RefuseEditAsync(me, id, db, "set its availability", ct) is { } refused) return refused;
        var (body, error) = await ApiJson.ReadAsync<AvailabilityBody>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (body!.Periods is not { } periods) return Problems.BadRequest("periods is required (an empty array clears the availability).");
        var errors = new List<string>();
        if (periods.Length > ApiLimits.Current.MaxAvailabilityPeriods) errors.Add($"At most {ApiLimits.Current.MaxAvailabilityPeriods} periods.");
        for (var i = 0; i < periods.Length; i++)
        {
            var p = periods[i];
            if (p?.From is null || p.To is null) errors.Add($"periods[{i}] needs from and to (YYYY-MM-DD).");
            else if (p.To < p.From) errors.Add($"periods[{i}]: to is before from.");
            else if (p.To.Value.DayNumber - p.From.Value.DayNumber > 731) errors.Add($"periods[{i}] may span at most two years.");
        }
        if (errors.Count == 0)
        {
            var sorted = periods.OrderBy(p => p.From).ToArray();
            for (var i = 1; i < sorted.Length; i++)
                if (sorted[i].From <= sorted[i - 1].To)
                    errors.Add($"Periods overlap: {sorted[i - 1].From:yyyy-MM-dd}…{sorted[i - 1].To:yyyy-MM-dd} and {sorted[i].From:yyyy-MM-dd}…{sorted[i].To:yyyy-MM-dd}.");
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            if (await conn.Command(TeamQueries.LockTeam, ("id", id)).ExecuteScalarAsync(ct) is null)
                return Problems.NotFound($"There is no team {id}.");
            await conn.Command(TeamQueries.DeleteAvailability, ("id", id)).ExecuteNonQueryAsync(ct);
            await conn.Command(TeamQueries.InsertAvailability, ("id", id),
                ("froms", periods.Select(p => p.From!.Value).ToArray()), ("tos", periods.Select(p => p.To!.Value).ToArray())).ExecuteNonQueryAsync(ct);
            await conn.Command(TeamQueries.Touch, ("id", id)).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        return ApiJson.Ok(new AvailabilityView(id, periods.OrderBy(p => p.From).ToArray()));
    }

    static async Task<IResult> NearbyNeeds(long id, NpgsqlDataSource db, CancellationToken ct, int? limit = null)
    {
        if (QueryParsing.TryParseLimit(limit, out var max, ApiLimits.Current.MaxMatches, ApiLimits.Current.DefaultMatches) is { } limitError) return Problems.BadRequest(limitError);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await conn.Command(TeamQueries.LockTeam.Replace(" FOR UPDATE", ""), ("id", id)).ExecuteScalarAsync(ct) is null)
            return Problems.NotFound($"There is no team {id}.");
        var needs = new List<NearbyNeed>();
        await using (var r = await conn.Command(MatchingQueries.NearbyNeeds, ("team_id", id), ("limit", max)).ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var covered = r.GetFieldValue<string[]>(r.GetOrdinal("covered"));
                var missing = r.GetFieldValue<string[]>(r.GetOrdinal("missing"));
                var distance = r.GetDouble(r.GetOrdinal("distance_m"));
                var free = r.GetInt32(r.GetOrdinal("free_capacity"));
                var daysOrdinal = r.GetOrdinal("days_since");
                int? days = r.IsDBNull(daysOrdinal) ? null : r.GetInt32(daysOrdinal);
                var (en, vi) = MatchingApi.Reasons(distance, covered.Length, covered.Length + missing.Length, free, days);
                needs.Add(new NearbyNeed(r.GetInt64(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("title")), r.GetString(r.GetOrdinal("category")),
                    r.GetString(r.GetOrdinal("priority")), r.GetString(r.GetOrdinal("status")),
                    Math.Round(r.GetDouble(r.GetOrdinal("lon")), 6), Math.Round(r.GetDouble(r.GetOrdinal("lat")), 6),
                    r.GetFieldValue<DateOnly>(r.GetOrdinal("window_start")), r.GetFieldValue<DateOnly>(r.GetOrdinal("window_end")),
                    r.GetFieldValue<string[]>(r.GetOrdinal("required_skills")), Math.Round(distance, 1), covered, missing,
                    r.GetDouble(r.GetOrdinal("s")), r.GetInt32(r.GetOrdinal("still_needed")), free,
                    r.GetBoolean(r.GetOrdinal("available")), r.GetDouble(r.GetOrdinal("score")), en, vi,
                    Math.Round(r.GetDouble(r.GetOrdinal("reach_m")), 1), days, r.GetInt32(r.GetOrdinal("recent"))));
            }
        }
        return ApiJson.Ok(new NearbyNeedsResponse(id, needs, MatchingQueries.ScoreFormula));
    }
}
