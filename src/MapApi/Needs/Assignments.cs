using System.Security.Claims;
using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Needs;

/// <summary>
/// Proposing, accepting and declining teams for a need. Each runs in one READ COMMITTED transaction that
/// first locks the need row, then the team row (SELECT … FOR UPDATE, always in that order): every writer
/// touching a need or a team's capacity queues behind the other, and each statement after the lock sees
/// what the previous writer committed, so neither the team's capacity nor volunteers_needed can be over-booked.
/// </summary>
public static class Assignments
{
    public static async Task<IResult> Propose(long id, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (body, error) = await ApiJson.ReadAsync<NewAssignment>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        var errors = new List<string>();
        if (body!.TeamId is not > 0) errors.Add("team_id is required.");
        if (body.Volunteers is null or < 1 or > 1000) errors.Add("volunteers must be between 1 and 1000.");
        if (body.Note is { Length: > 1000 }) errors.Add("note may be at most 1000 characters.");
        if (errors.Count > 0) return Problems.Invalid(errors);
        var teamId = body.TeamId!.Value;
        var volunteers = body.Volunteers!.Value;

        await using var conn = await db.OpenConnectionAsync(ct);
        long assignmentId;
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            if (await LockNeedAsync(conn, id, ct) is not { } need) return Problems.NotFound($"There is no need {id}.");
            if (need.Status is not ("open" or "proposed"))
                return Problems.Conflict($"cannot propose a team for a need that is {need.Status}; only open or proposed needs take proposals.");

            if (!await me.AllowsNeedAsync(conn, id, ct)) return Problems.Forbidden(me.OutOfScope($"need {id}"));

            string teamStatus; int capacity; string teamName;
            await using (var r = await conn.Command(NeedQueries.LockTeam, ("team_id", teamId)).ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) return Problems.BadRequest($"There is no team {teamId}.");
                (teamStatus, capacity, teamName) = (r.GetString(0), r.GetInt32(1), r.GetString(2));
            }
            if (teamStatus != "active") return Problems.Conflict($"Team {teamId} ({teamName}) is {teamStatus}: only active teams can be proposed.");

            int live, sameTeam;
            await using (var r = await conn.Command(NeedQueries.NeedCommitted, ("need_id", id), ("team_id", teamId)).ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                (live, sameTeam) = (r.GetInt32(0), r.GetInt32(2));
            }
            if (sameTeam > 0) return Problems.Conflict($"Team {teamId} is already proposed or accepted for need {id}.");
            var remaining = need.VolunteersNeeded - live;
            if (volunteers > remaining)
                return Problems.Conflict($"Proposing {volunteers} volunteers would over-book need {id}: it needs {need.VolunteersNeeded}, " +
                                         $"{live} are already proposed or accepted, so at most {Math.Max(remaining, 0)} more.");
            var committed = (int)(await conn.Command(NeedQueries.TeamCommitted, ("team_id", teamId), ("from", need.WindowStart), ("to", need.WindowEnd))
                .ExecuteScalarAsync(ct))!;
            var free = capacity - committed;
            if (volunteers > free)
                return Problems.Conflict($"Team {teamId} ({teamName}) has {Math.Max(free, 0)} free places between {need.WindowStart:yyyy-MM-dd} and " +
                                         $"{need.WindowEnd:yyyy-MM-dd} (capacity {capacity}, {committed} already committed); {volunteers} asked.");

            assignmentId = (long)(await conn.Command(NeedQueries.InsertAssignment, ("need_id", id), ("team_id", teamId), ("volunteers", volunteers),
                ("from", need.WindowStart), ("to", need.WindowEnd), ("by", me.Username), ("note", body.Note)).ExecuteScalarAsync(ct))!;
            if (need.Status == "open")
                await NeedsApi.SetStatusAsync(conn, id, "open", "proposed", me.Username, $"team {teamId} ({teamName}) proposed", ct);
            await tx.CommitAsync(ct);
        }
        return await AssignmentResultAsync(conn, assignmentId, StatusCodes.Status201Created, $"/api/needs/{id}/assignments/{assignmentId}", ct);
    }

    public static Task<IResult> Accept(long id, long aid, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct) =>
        DecideAsync(id, aid, accept: true, request, principal, db, ct);

    public static Task<IResult> Decline(long id, long aid, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct) =>
        DecideAsync(id, aid, accept: false, request, principal, db, ct);

    static async Task<IResult> DecideAsync(long id, long aid, bool accept, HttpRequest request, ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        string? note = null;
        if (request.ContentLength is > 0 || request.HasJsonContentType())
        {
            var (body, error) = await ApiJson.ReadAsync<AssignmentDecision>(request, ct);
            if (error is not null) return Problems.BadRequest(error);
            note = body!.Note;
            if (note is { Length: > 1000 }) return Problems.BadRequest("note may be at most 1000 characters.");
        }
        var verb = accept ? "accept" : "decline";

        await using var conn = await db.OpenConnectionAsync(ct);
        // Who may act depends on the assignment's team; read it before taking locks in the usual order.
        if (await conn.Command(NeedQueries.AssignmentTeam, ("id", aid), ("need_id", id)).ExecuteScalarAsync(ct) is not long teamId)
            return Problems.NotFound($"Need {id} has no assignment {aid}.");
        if (!me.MayEditTeam(teamId))
            return Problems.Forbidden($"Only the lead of team {teamId} or a coordinator may {verb} this proposal.");
        if (!me.LeadsTeam(teamId) && !await me.AllowsNeedAsync(conn, id, ct))
            return Problems.Forbidden(me.OutOfScope($"need {id}"));

        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            var need = (await LockNeedAsync(conn, id, ct))!;
            await (await conn.Command(NeedQueries.LockTeam, ("team_id", teamId)).ExecuteReaderAsync(ct)).DisposeAsync();
            string status;
            await using (var r = await conn.Command(NeedQueries.LockAssignment, ("id", aid), ("need_id", id)).ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                status = r.GetString(0);
            }
            if (status != "proposed")
                return Problems.Conflict($"cannot {verb} assignment {aid}: it is {status}, not proposed.");

            await conn.Command(NeedQueries.DecideAssignment, ("id", aid), ("status", accept ? "accepted" : "declined"), ("by", me.Username), ("note", note))
                .ExecuteNonQueryAsync(ct);
            int live, accepted;
            await using (var r = await conn.Command(NeedQueries.NeedCommitted, ("need_id", id), ("team_id", teamId)).ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                (live, accepted) = (r.GetInt32(0), r.GetInt32(1));
            }
            if (accept)
            {
                await conn.Command(NeedQueries.MarkTeamAssigned, ("team_id", teamId)).ExecuteNonQueryAsync(ct);
                if (need.Status == "proposed" && accepted >= need.VolunteersNeeded)
                    await NeedsApi.SetStatusAsync(conn, id, "proposed", "accepted", me.Username,
                        $"accepted volunteers ({accepted}) cover the {need.VolunteersNeeded} needed", ct);
            }
            else if (need.Status == "proposed" && live == 0)
            {
                await NeedsApi.SetStatusAsync(conn, id, "proposed", "open", me.Username, "every proposal was declined", ct);
            }
            await tx.CommitAsync(ct);
        }
        return await AssignmentResultAsync(conn, aid, StatusCodes.Status200OK, null, ct);
    }

    sealed record LockedNeed(string Status, int VolunteersNeeded, DateOnly WindowStart, DateOnly WindowEnd);

    static async Task<LockedNeed?> LockNeedAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        await using var r = await conn.Command(NeedQueries.LockNeed, ("need_id", id)).ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new LockedNeed(r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3));
    }

    static async Task<IResult> AssignmentResultAsync(NpgsqlConnection conn, long aid, int status, string? location, CancellationToken ct)
    {
        var json = (string)(await conn.Command(NeedQueries.AssignmentJson, ("id", aid)).ExecuteScalarAsync(ct))!;
        return new JsonText(json, status, location);
    }

    sealed class JsonText(string json, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            if (location is not null) http.Response.Headers.Location = location;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(json, http.RequestAborted);
        }
    }
}
