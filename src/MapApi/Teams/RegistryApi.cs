using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Import;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Teams;

/// <summary>
/// The team registry: coordinators create teams (in their scope), leads and coordinators edit them
/// (PATCH in TeamsApi), teams are deactivated rather than deleted, and every change is kept in team_history.
/// </summary>
public static class RegistryApi
{
    public sealed record SimilarTeam(long TeamId, string Name, string Status, double DistanceM, double Similarity, string Message, string MessageVi);
    public sealed record SimilarResponse(IReadOnlyList<SimilarTeam> Similar, int RadiusM, double Threshold);
    public sealed record HistoryEntry(long Id, string Action, string ChangedBy, DateTimeOffset ChangedAt, JsonNode? Changes);
    public sealed record HistoryResponse(long TeamId, IReadOnlyList<HistoryEntry> History);

    static readonly string[] Required = ["name", "team_type", "parent_unit", "location"];

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/teams").WithTags("Teams");

        api.MapPost("", CreateTeam)
            .WithName("CreateTeam")
            .WithSummary("Register a club, team or group (coordinators; a scoped coordinator only inside their unit)")
            .WithDescription("Required: name, team_type (club|team|group|specialist), parent_unit (the Youth Union unit), location {lon, lat}. " +
                             "Optional: the fields PATCH accepts (members, capacity, skills, languages, service_radius_m, service_area as a GeoJSON " +
                             "Polygon/MultiPolygon, founded_on, description, public_*, private_*, external_id). Returns 201 with the Feature and " +
                             "a foreign member `warnings` listing existing teams with a similar name nearby (not an error).")
            .RequireAuthorization()
            .Produces(StatusCodes.Status201Created, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/similar", CheckSimilar)
            .WithName("SimilarTeams")
            .WithSummary("Teams near lon,lat whose name looks like `name` (the warning POST gives, before creating)")
            .Produces<SimilarResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapPost("/{id:long}/deactivate", (long id, ClaimsPrincipal p, NpgsqlDataSource db, RegistryDb ef, CancellationToken ct) => SetStatus(id, "inactive", p, db, ef, ct))
            .WithName("DeactivateTeam")
            .WithSummary("Deactivate a team (teams are never deleted; its lead or a coordinator)")
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:long}/reactivate", (long id, ClaimsPrincipal p, NpgsqlDataSource db, RegistryDb ef, CancellationToken ct) => SetStatus(id, "active", p, db, ef, ct))
            .WithName("ReactivateTeam")
            .WithSummary("Make a deactivated team active again (its lead or a coordinator)")
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:long}/history", History)
            .WithName("TeamHistory")
            .WithSummary("Who changed what and when (coordinators whose scope holds the team)")
            .RequireAuthorization()
            .Produces<HistoryResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> CreateTeam(HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, RegistryDb ef,
        ResourceMapOptions options, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (!me.IsCoordinator) return Problems.Forbidden("Only coordinators may register a team; a team lead edits their own team.");
        var (body, error) = await ApiJson.ReadObjectAsync(request, ct);
        if (error is not null) return Problems.BadRequest(error);

        var errors = new List<string>();
        foreach (var name in Required)
            if (!body!.ContainsKey(name)) errors.Add($"{name} is required.");
        var values = new Dictionary<string, object?>();
        foreach (var (name, node) in body!)
        {
            if (!TeamQueries.Editable.Contains(name)) { errors.Add($"'{name}' is not a team field (fields: {string.Join(", ", TeamQueries.Editable)})."); continue; }
            if (TeamsApi.ParseField(name, node, out var parameter) is { } fieldError) errors.Add(fieldError);
            else values[name] = parameter!.Value is DBNull ? null : parameter.Value;
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        if (values.TryGetValue("skills", out var skills) && skills is string[] codes)
        {
            var unknown = (string[])(await conn.Command(TeamQueries.UnknownSkills, ("skills", codes)).ExecuteScalarAsync(ct))!;
            if (unknown.Length > 0) errors.Add($"Unknown skills: {string.Join(", ", unknown)} (see /api/skills).");
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        var point = (Point)GeometryRules.FromEwkb((byte[])values["location"]!);
        if (!await me.AllowsPointAsync(conn, point.X, point.Y, ct)) return Problems.Forbidden(me.OutOfScope("the team's location"));
        foreach (var source in RegistryQueries.Sources)
            await conn.Command(RegistryQueries.EnsureSource, ("id", source.Id), ("title", source.Title), ("title_vi", source.TitleVi), ("accuracy", source.Accuracy)).ExecuteNonQueryAsync(ct);
        var adminCode = await conn.Command("SELECT rm_lowest_admin_code(ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), rm_today())",
            ("lon", point.X), ("lat", point.Y)).ExecuteScalarAsync(ct) as string;

        var now = DateTimeOffset.UtcNow;
        var team = new TeamRecord
        {
            Name = (string)values["name"]!, TeamType = (string)values["team_type"]!, ParentUnit = (string)values["parent_unit"]!,
            Geom = point, AdminCode = adminCode, SourceId = RegistryQueries.RegistrySource, CreatedAt = now, UpdatedAt = now,
        };
        Apply(team, values);

        await using (var tx = await ef.Database.BeginTransactionAsync(ct))
        {
            ef.Teams.Add(team);
            try { await ef.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return Problems.Conflict("Another team already has this external_id.");
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.CheckViolation } pe)
            {
                return Problems.BadRequest($"A value is out of range ({pe.ConstraintName}).");
            }
            var created = new JsonObject();
            foreach (var (name, node) in body!)
                created[name] = name == "private_phone" || name == "private_email" || name == "private_contact_name" ? JsonValue.Create("(set)") : node?.DeepClone();
            ef.TeamHistory.Add(new TeamHistoryRecord { TeamId = team.Id, Action = "created", ChangedBy = me.Username, ChangedAt = now, Changes = created.ToJsonString() });
            await ef.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        var similar = await SimilarAsync(conn, team.Name, point.X, point.Y, team.Id, options, ct);
        var feature = JsonNode.Parse((await TeamsApi.FeatureAsync(conn, team.Id, me, ct))!)!.AsObject();
        feature["warnings"] = System.Text.Json.JsonSerializer.SerializeToNode(similar, ApiJson.Options);
        request.HttpContext.Response.Headers.Location = $"/api/teams/{team.Id}";
        return Results.Text(feature.ToJsonString(ApiJson.Options), GeoJsonResult.ContentType, Encoding.UTF8, StatusCodes.Status201Created);
    }

    /// <summary>Copies the optional fields parsed by TeamsApi.ParseField onto a new record.</summary>
    static void Apply(TeamRecord team, IReadOnlyDictionary<string, object?> values)
    {
        foreach (var (name, value) in values)
        {
            switch (name)
            {
                case "members": team.Members = (int)value!; break;
                case "capacity": team.Capacity = (int)value!; break;
                case "status": team.Status = (string)value!; break;
                case "skills": team.Skills = (string[])value!; break;
                case "languages": team.Languages = (string[])value!; break;
                case "service_radius_m": team.ServiceRadiusM = (int?)value; break;
                case "service_area": team.ServiceArea = value is byte[] ewkb ? (MultiPolygon)GeometryRules.FromEwkb(ewkb) : null; break;
                case "founded_on": team.FoundedOn = (DateOnly?)value; break;
                case "description": team.Description = (string?)value; break;
                case "public_phone": team.PublicPhone = (string?)value; break;
                case "public_email": team.PublicEmail = (string?)value; break;
                case "public_url": team.PublicUrl = (string?)value; break;
                case "private_contact_name": team.PrivateContactName = (string?)value; break;
                case "private_phone": team.PrivatePhone = (string?)value; break;
                case "private_email": team.PrivateEmail = (string?)value; break;
                case "external_id": team.ExternalId = (string?)value; break;
            }
        }
    }

    static async Task<IReadOnlyList<SimilarTeam>> SimilarAsync(NpgsqlConnection conn, string name, double lon, double lat, long exclude,
        ResourceMapOptions options, CancellationToken ct)
    {
        var list = new List<SimilarTeam>();
        await using var r = await conn.Command(RegistryQueries.Similar, ("name", name), ("lon", lon), ("lat", lat), ("exclude", exclude),
            ("radius_m", (double)options.Limits.SimilarTeamRadiusMetres), ("threshold", (float)options.Limits.SimilarTeamThreshold)).ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (id, other, km) = (r.GetInt64(0), r.GetString(1), r.GetDouble(3) / 1000);
            list.Add(new SimilarTeam(id, other, r.GetString(2), r.GetDouble(3), r.GetDouble(4),
                $"Team {id} '{other}' is {km:0.0} km away and has a similar name: is it the same team?",
                $"Đội {id} '{other}' cách {km.ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo("vi-VN"))} km và có tên tương tự: có phải cùng một đội?"));
        }
        return list;
    }

    static async Task<IResult> CheckSimilar(string? name, double? lon, double? lat, NpgsqlDataSource db, ResourceMapOptions options, CancellationToken ct)
    {
        if (name?.Trim() is not { Length: >= 2 and <= 200 } trimmed) return Problems.BadRequest("name (2 to 200 characters) is required.");
        if (lon is null || lat is null) return Problems.BadRequest("lon and lat (degrees, WGS84) are required.");
        if (GeometryRules.CheckPoint(lon.Value, lat.Value) is { } problem) return Problems.BadRequest($"lon/lat: {problem.En}.");
        await using var conn = await db.OpenConnectionAsync(ct);
        return ApiJson.Ok(new SimilarResponse(await SimilarAsync(conn, trimmed, lon.Value, lat.Value, 0, options, ct),
            options.Limits.SimilarTeamRadiusMetres, options.Limits.SimilarTeamThreshold));
    }

    static async Task<IResult> SetStatus(long id, string status, ClaimsPrincipal principal, NpgsqlDataSource db, RegistryDb ef, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (await TeamsApi.RefuseEditAsync(me, id, db, status == "active" ? "reactivate it" : "deactivate it", ct) is { } refused) return refused;
        await using (var tx = await ef.Database.BeginTransactionAsync(ct))
        {
            // The same row lock PATCH and proposals take.
            var team = await ef.Teams.FromSql($"SELECT * FROM teams WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (team is null) return Problems.NotFound($"There is no team {id}.");
            if (team.Status != status)
            {
                var changes = new JsonObject { ["status"] = new JsonObject { ["from"] = team.Status, ["to"] = status } };
                team.Status = status;
                team.UpdatedAt = DateTimeOffset.UtcNow;
                ef.TeamHistory.Add(new TeamHistoryRecord
                {
                    TeamId = id, Action = status == "active" ? "reactivated" : "deactivated", ChangedBy = me.Username,
                    ChangedAt = team.UpdatedAt, Changes = changes.ToJsonString(),
                });
                await ef.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        return Results.Text((await TeamsApi.FeatureAsync(conn, id, me, ct))!, GeoJsonResult.ContentType);
    }

    static async Task<IResult> History(long id, ClaimsPrincipal principal, NpgsqlDataSource db, RegistryDb ef, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (!me.IsCoordinator) return Problems.Forbidden("Only coordinators may read a team's change history.");
        if (!await ef.Teams.AnyAsync(t => t.Id == id, ct)) return Problems.NotFound($"There is no team {id}.");
        if (me.AdminScope is not null)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            if (!await me.AllowsTeamAsync(conn, id, ct)) return Problems.Forbidden(me.OutOfScope($"team {id}"));
        }
        var rows = await ef.TeamHistory.AsNoTracking().Where(h => h.TeamId == id).OrderBy(h => h.ChangedAt).ThenBy(h => h.Id).ToListAsync(ct);
        return ApiJson.Ok(new HistoryResponse(id, rows.Select(h => new HistoryEntry(h.Id, h.Action, h.ChangedBy, h.ChangedAt, JsonNode.Parse(h.Changes))).ToList()));
    }

    /// <summary>Fields whose value differs between two snapshots: {field: {from, to}}.</summary>
    public static JsonObject Diff(string before, string after)
    {
        var a = JsonNode.Parse(before)!.AsObject();
        var b = JsonNode.Parse(after)!.AsObject();
        var changes = new JsonObject();
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var (x, y) = (a[key], b[key]);
            if (!JsonNode.DeepEquals(x, y))
                changes[key] = new JsonObject { ["from"] = x?.DeepClone(), ["to"] = y?.DeepClone() };
        }
        return changes;
    }
}
