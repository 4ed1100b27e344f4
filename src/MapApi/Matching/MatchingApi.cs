using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Matching;

public static class MatchingApi
{

    public sealed record Match(
        long TeamId, string Name, string TeamType, double Lon, double Lat, double DistanceM, double ReachM,
        string[] SkillsCovered, string[] SkillsMissing, double SkillCoverage, int FreeCapacity, int Capacity,
        int? DaysSinceLastAssignment, int RecentAssignments, double Score, string Reasons, string ReasonsVi);

    public sealed record MatchQuery(double Lon, double Lat, string[] Skills, DateOnly From, DateOnly To, int Volunteers, double MinCoverage, int Limit, long? ExcludeNeed);

    public sealed record MatchesResponse(IReadOnlyList<Match> Matches, string ScoreFormula);
    public sealed record NeedMatchesResponse(long NeedId, string NeedStatus, int VolunteersNeeded, int VolunteersStillNeeded,
        IReadOnlyList<Match> Matches, string ScoreFormula);

    public static IEndpointRouteBuilder MapMatchingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/matches", AdHoc)
            .WithTags("Matching")
            .WithName("MatchTeams")
            .WithSummary("Rank the teams that can serve a place, skills and date window")
            .WithDescription("lon, lat (required, WGS84); skills=a,b (codes from /api/skills); from, to (YYYY-MM-DD, default today; at most a year); " +
                             $"volunteers (default 1); min_coverage (0–1, share of the skills a team must have; default 0 = at least one); limit (default {ApiLimits.Current.DefaultMatches}, max {ApiLimits.Current.MaxMatches}).\n\n" +
                             "Only active teams whose reach covers the place, available for the whole window, with a free place. " + MatchingQueries.ScoreFormula)
            .Produces<MatchesResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapGet("/api/needs/{id:long}/matches", ForNeed)
            .WithTags("Matching")
            .WithName("MatchNeed")
            .WithSummary("Rank the teams that can serve a need")
            .WithDescription("Uses the need's place, required skills, window and the volunteers it still needs; teams already proposed or accepted for it are left out. " +
                             $"min_coverage (0–1, default 0), limit (default {ApiLimits.Current.DefaultMatches}, max {ApiLimits.Current.MaxMatches}). " + MatchingQueries.ScoreFormula)
            .Produces<NeedMatchesResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> AdHoc(NpgsqlDataSource db, CancellationToken ct, double? lon = null, double? lat = null, string? skills = null,
        DateOnly? from = null, DateOnly? to = null, int? volunteers = null, double? min_coverage = null, int? limit = null)
    {
        if (QueryParsing.TryParseLonLat(lon, lat) is { } placeError) return Problems.BadRequest(placeError);
        if (QueryParsing.TryParseList("skills", skills, null, out var skillList) is { } skillsError) return Problems.BadRequest(skillsError);
        if (QueryParsing.TryParseLimit(limit, out var max, ApiLimits.Current.MaxMatches, ApiLimits.Current.DefaultMatches) is { } limitError) return Problems.BadRequest(limitError);
        var start = from ?? VietnamTime.Today;
        var end = to ?? start;
        if (end < start) return Problems.BadRequest("to must not be before from.");
        if (end.DayNumber - start.DayNumber >= 366) return Problems.BadRequest("The window may span at most one year.");
        if (volunteers is < 1 or > 1000) return Problems.BadRequest("volunteers must be between 1 and 1000.");
        if (min_coverage is { } mc && (!double.IsFinite(mc) || mc < 0 || mc > 1)) return Problems.BadRequest("min_coverage must lie between 0 and 1.");

        await using var conn = await db.OpenConnectionAsync(ct);
        if (skillList is { Length: > 0 } && await UnknownSkillAsync(db, conn, skillList, ct) is { } bad)
            return Problems.BadRequest($"Unknown skill '{bad}' (see /api/skills).");
        var matches = await RankAsync(conn,
            new MatchQuery(lon!.Value, lat!.Value, skillList ?? [], start, end, volunteers ?? 1, min_coverage ?? 0, max, null), ct);
        return ApiJson.Ok(new MatchesResponse(matches, MatchingQueries.ScoreFormula));
    }

    static async Task<IResult> ForNeed(long id, NpgsqlDataSource db, CancellationToken ct, double? min_coverage = null, int? limit = null)
    {
        if (QueryParsing.TryParseLimit(limit, out var max, ApiLimits.Current.MaxMatches, ApiLimits.Current.DefaultMatches) is { } limitError) return Problems.BadRequest(limitError);
        if (min_coverage is { } mc && (!double.IsFinite(mc) || mc < 0 || mc > 1)) return Problems.BadRequest("min_coverage must lie between 0 and 1.");
        await using var conn = await db.OpenConnectionAsync(ct);
        MatchQuery query;
        string status; int needed, stillNeeded;
        await using (var r = await conn.Command(MatchingQueries.NeedForMatching, ("id", id)).ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"There is no need {id}.");
            (needed, stillNeeded, status) = (r.GetInt32(5), r.GetInt32(6), r.GetString(7));
            // A fully booked need still gets a ranking (for replacements); it is computed for one volunteer.
            query = new MatchQuery(r.GetDouble(0), r.GetDouble(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<DateOnly>(3),
                r.GetFieldValue<DateOnly>(4), Math.Max(stillNeeded, 1), min_coverage ?? 0, max, id);
        }
        var matches = await RankAsync(conn, query, ct);
        return ApiJson.Ok(new NeedMatchesResponse(id, status, needed, Math.Max(stillNeeded, 0), matches, MatchingQueries.ScoreFormula));
    }

    /// <summary>The skill codes each database was last seen to hold (a process may serve several, as the tests do).</summary>
    static readonly ConditionalWeakTable<NpgsqlDataSource, IReadOnlySet<string>> knownSkills = new();

    /// <summary>
    /// The first code that is not in the skills catalogue, or null. The catalogue only grows (seed and import add codes), so
    /// it is remembered and read again only when a code is missing from it: a request no longer costs a round trip for it.
    /// </summary>
    static async Task<string?> UnknownSkillAsync(NpgsqlDataSource db, NpgsqlConnection conn, string[] skills, CancellationToken ct)
    {
        if (knownSkills.TryGetValue(db, out var known) && skills.All(known.Contains)) return null;
        known = ((string[])(await conn.Command(MatchingQueries.KnownSkills).ExecuteScalarAsync(ct))!).ToHashSet();
        knownSkills.AddOrUpdate(db, known);
        return skills.FirstOrDefault(s => !known.Contains(s));
    }

    /// <summary>
    /// The served ranking: the exact top-k by levels (see <see cref="MatchingQueries"/>). A level's answer stands when it
    /// holds k teams and its k-th score is strictly above the best score any team outside the level could reach.
    /// </summary>
    public static async Task<List<Match>> RankAsync(NpgsqlConnection conn, MatchQuery q, CancellationToken ct) =>
        (await RankByLevelsAsync(conn, q, ct)).Matches;

    /// <summary><see cref="RankAsync"/>, also telling at which level (divisor) the answer stood.</summary>
    public static async Task<(List<Match> Matches, int Divisor)> RankByLevelsAsync(NpgsqlConnection conn, MatchQuery q, CancellationToken ct)
    {
        var divisor = 1;
        var matches = await RunAsync(conn, MatchingQueries.Ranking, q, ct, r => divisor = r.GetInt32(15));
        return (matches, divisor);
    }

    /// <summary>
    /// Runs one matching statement (the served ranking, or the unindexed scan for the benchmark and tests) and formats the
    /// reasons. extra reads the statement's own columns after the 15 every ranking returns.
    /// </summary>
    public static async Task<List<Match>> RunAsync(NpgsqlConnection conn, string sql, MatchQuery q, CancellationToken ct,
        Action<NpgsqlDataReader>? extra = null)
    {
        await using var command = conn.Command(sql, ("lon", q.Lon), ("lat", q.Lat), ("skills", q.Skills), ("from", q.From), ("to", q.To),
            ("volunteers", q.Volunteers), ("min_coverage", q.MinCoverage), ("limit", q.Limit), ("exclude_need", q.ExcludeNeed));
        // Planning this statement costs more than running it on a small candidate set: keep it prepared on the pooled connection.
        await command.PrepareWithinTimeoutAsync(ct);
        await using var r = await command.ExecuteReaderAsync(ct);
        var matches = new List<Match>();
        while (await r.ReadAsync(ct))
        {
            extra?.Invoke(r);
            var covered = r.GetFieldValue<string[]>(7);
            var missing = r.GetFieldValue<string[]>(8);
            var distance = r.GetDouble(5);
            int? days = r.IsDBNull(12) ? null : r.GetInt32(12);
            var free = r.GetInt32(10);
            var (en, vi) = Reasons(distance, covered.Length, covered.Length + missing.Length, free, days);
            matches.Add(new Match(r.GetInt64(0), r.GetString(1), r.GetString(2), Math.Round(r.GetDouble(3), 6), Math.Round(r.GetDouble(4), 6),
                Math.Round(distance, 1), Math.Round(r.GetDouble(6), 1), covered, missing, r.GetDouble(9), free, r.GetInt32(11),
                days, r.GetInt32(13), r.GetDouble(14), en, vi));
        }
        return matches;
    }

    /// <summary>"12.4 km · 3/3 skills · 8 free places · last assigned 40 days ago" and its Vietnamese twin.</summary>
    public static (string En, string Vi) Reasons(double distanceM, int covered, int asked, int free, int? days)
    {
        var km = (distanceM / 1000).ToString("0.0", CultureInfo.InvariantCulture);
        var skillsEn = asked == 0 ? "no skills asked" : $"{covered}/{asked} skills";
        var skillsVi = asked == 0 ? "không yêu cầu kỹ năng" : $"{covered}/{asked} kỹ năng";
        var freeEn = free == 1 ? "1 free place" : $"{free} free places";
        var lastEn = days switch { null => "never assigned", 0 => "last assigned today", 1 => "last assigned 1 day ago", _ => $"last assigned {days} days ago" };
        var lastVi = days switch { null => "chưa được phân công lần nào", 0 => "lần phân công gần nhất hôm nay", _ => $"lần phân công gần nhất {days} ngày trước" };
        return ($"{km} km · {skillsEn} · {freeEn} · {lastEn}",
                $"{km.Replace('.', ',')} km · {skillsVi} · còn {free} chỗ · {lastVi}");
    }
}
