using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// A coordinator may be bound to an admin unit (users.admin_scope_code): a district union's coordinator
/// acts on needs and teams inside that district only, and sees beneficiaries' and private contacts there only.
/// The code means its version in force today, else its latest version (codes were reused in 2025).
/// Coordinators without a scope act nationwide.
/// </summary>
public static class CoordinatorScope
{
    const string CoversPoint = """
        SELECT EXISTS (SELECT 1 FROM admin_units a
                       WHERE a.id = rm_admin_unit_version(@scope, rm_today()) AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)))
        """;
    const string CoversNeed = """
        SELECT EXISTS (SELECT 1 FROM admin_units a JOIN needs n ON n.id = @id
                       WHERE a.id = rm_admin_unit_version(@scope, rm_today()) AND ST_Intersects(a.geom, n.geom))
        """;
    const string CoversTeam = """
        SELECT EXISTS (SELECT 1 FROM admin_units a JOIN teams t ON t.id = @id
                       WHERE a.id = rm_admin_unit_version(@scope, rm_today()) AND ST_Intersects(a.geom, t.geom))
        """;

    public static async Task<bool> AllowsPointAsync(this CurrentUser me, NpgsqlConnection conn, double lon, double lat, CancellationToken ct) =>
        me.AdminScope is not { } scope
        || (bool)(await conn.Command(CoversPoint, ("scope", scope), ("lon", lon), ("lat", lat)).ExecuteScalarAsync(ct))!;

    public static async Task<bool> AllowsNeedAsync(this CurrentUser me, NpgsqlConnection conn, long needId, CancellationToken ct) =>
        me.AdminScope is not { } scope
        || (bool)(await conn.Command(CoversNeed, ("scope", scope), ("id", needId)).ExecuteScalarAsync(ct))!;

    public static async Task<bool> AllowsTeamAsync(this CurrentUser me, NpgsqlConnection conn, long teamId, CancellationToken ct) =>
        me.AdminScope is not { } scope
        || (bool)(await conn.Command(CoversTeam, ("scope", scope), ("id", teamId)).ExecuteScalarAsync(ct))!;

    public static string OutOfScope(this CurrentUser me, string what) =>
        $"Your account coordinates admin unit {me.AdminScope}; {what} lies outside it.";
}
