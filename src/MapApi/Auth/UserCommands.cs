using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// Account commands for operators:
/// `users add &lt;username&gt; &lt;role&gt; [--team &lt;id|first&gt;] [--display-name "..."] [--scope &lt;admin code&gt;] [--if-missing]`,
/// `users passwd &lt;username&gt;`, `users set-role &lt;username&gt; &lt;role&gt; [--team &lt;id&gt;] [--scope &lt;admin code&gt;]`,
/// `users disable &lt;username&gt;`, `users enable &lt;username&gt;`.
/// Passwords come from env RESOURCEMAP_USER_PASSWORD, never from the command line (it would show in ps and shell history).
/// Every change but `add` ends the account's sessions at once (the users triggers of migration 0010).
/// </summary>
public static class UserCommands
{
    public const string Usage = "users add <username> <coordinator|team-lead> [--team <id|first>] [--display-name \"...\"] [--scope <admin code>] [--if-missing]"
        + " | users passwd <username> | users set-role <username> <coordinator|team-lead> [--team <id>] [--scope <admin code>]"
        + " | users disable <username> | users enable <username>   (passwords from env RESOURCEMAP_USER_PASSWORD)";

    public static Task<int> RunAsync(NpgsqlDataSource db, string[] args) =>
        RunAsync(db, args, Environment.GetEnvironmentVariable("RESOURCEMAP_USER_PASSWORD"));

    /// <summary>As above with the value of RESOURCEMAP_USER_PASSWORD given (tests pass it in rather than change the process environment).</summary>
    public static async Task<int> RunAsync(NpgsqlDataSource db, string[] args, string? password)
    {
        if (args.Length < 3) return UsageError();
        var username = args[2].Trim().ToLowerInvariant();
        switch (args[1])
        {
            case "add" when args.Length >= 4: return await AddAsync(db, username, args[3], args[4..], password);
            case "passwd" when args.Length == 3: return await PasswdAsync(db, username, password);
            case "set-role" when args.Length >= 4: return await SetRoleAsync(db, username, args[3], args[4..]);
            case "disable" when args.Length == 3:
                return await ChangeAsync(db, AuthQueries.Disable, username, [], $"Disabled '{username}'; its sessions and tokens stopped working.");
            case "enable" when args.Length == 3:
                return await ChangeAsync(db, AuthQueries.Enable, username, [], $"Enabled '{username}'; it can sign in again.");
            default: return UsageError();
        }
    }

    static int UsageError(string? problem = null)
    {
        Console.Error.WriteLine((problem is null ? "" : problem + " ") + "Usage: MapApi " + Usage);
        return 2;
    }

    sealed record RoleOptions(string? Team, string? DisplayName, string? Scope, bool IfMissing);

    static (RoleOptions? Options, int? Exit) ParseOptions(string[] rest, bool forAdd)
    {
        string? team = null, displayName = null, scope = null;
        var ifMissing = false;
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--team" when i + 1 < rest.Length: team = rest[++i]; break;
                case "--scope" when i + 1 < rest.Length: scope = rest[++i]; break;
                case "--display-name" when forAdd && i + 1 < rest.Length: displayName = rest[++i]; break;
                case "--if-missing" when forAdd: ifMissing = true; break;
                default: return (null, UsageError($"Unknown option '{rest[i]}'."));
            }
        }
        return (new RoleOptions(team, displayName, scope, ifMissing), null);
    }

    static string? PasswordProblem(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < 10 ? "Set RESOURCEMAP_USER_PASSWORD to the password (at least 10 characters)."
        : password.Length > 256 ? "RESOURCEMAP_USER_PASSWORD must be at most 256 characters (sign-in accepts no longer)."
        : null;

    /// <summary>Checks role, team and scope together; the team id (null for coordinators) or an exit code.</summary>
    static async Task<(long? TeamId, int? Exit)> ResolveRoleAsync(NpgsqlConnection conn, string role, RoleOptions o)
    {
        if (!Roles.All.Contains(role)) { Console.Error.WriteLine($"role must be one of: {string.Join(", ", Roles.All)}."); return (null, 2); }
        long? teamId = null;
        if (o.Team is not null)
        {
            teamId = o.Team == "first"
                ? await conn.Command(AuthQueries.FirstTeam).ExecuteScalarAsync() as long?
                : long.TryParse(o.Team, out var t) && (bool)(await conn.Command(AuthQueries.TeamExists, ("id", t)).ExecuteScalarAsync())! ? t : null;
            if (teamId is null) { Console.Error.WriteLine($"No team '{o.Team}' in the database."); return (null, 1); }
        }
        if (role == Roles.TeamLead && teamId is null) { Console.Error.WriteLine("A team lead needs --team <id>."); return (null, 2); }
        if (o.Scope is not null && role != Roles.Coordinator) { Console.Error.WriteLine("--scope applies to coordinators only."); return (null, 2); }
        if (o.Scope is not null && !(bool)(await conn.Command(AuthQueries.AdminUnitExists, ("code", o.Scope)).ExecuteScalarAsync())!)
        {
            Console.Error.WriteLine($"No admin unit with code '{o.Scope}' in the database.");
            return (null, 1);
        }
        return (role == Roles.Coordinator ? null : teamId, null);
    }

    static async Task<int> AddAsync(NpgsqlDataSource db, string username, string role, string[] rest, string? password)
    {
        var (o, exit) = ParseOptions(rest, forAdd: true);
        if (exit is { } e) return e;
        if (PasswordProblem(password) is { } problem) { Console.Error.WriteLine(problem); return 2; }
        await using var conn = await db.OpenConnectionAsync();
        var (teamId, roleExit) = await ResolveRoleAsync(conn, role, o!);
        if (roleExit is { } r) return r;
        try
        {
            var id = await conn.Command(AuthQueries.InsertUser, ("username", username), ("display_name", o!.DisplayName ?? username),
                ("role", role), ("team_id", teamId), ("admin_scope_code", o.Scope), ("password_hash", PasswordHasher.Hash(password!))).ExecuteScalarAsync();
            if (id is null)
            {
                Console.WriteLine($"User '{username}' already exists; unchanged.");
                return o.IfMissing ? 0 : 1;
            }
            Console.WriteLine($"Created {role} '{username}'{(teamId is null ? "" : $" for team {teamId}")}.");
            return 0;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
        {
            Console.Error.WriteLine($"Invalid user: usernames are 2–64 characters of a-z, 0-9, '.', '_' or '-'. ({ex.ConstraintName})");
            return 1;
        }
    }

    static async Task<int> PasswdAsync(NpgsqlDataSource db, string username, string? password)
    {
        if (PasswordProblem(password) is { } problem) { Console.Error.WriteLine(problem); return 2; }
        return await ChangeAsync(db, AuthQueries.SetPassword, username, [("password_hash", PasswordHasher.Hash(password!))],
            $"Changed the password of '{username}'; its sessions were signed out.");
    }

    static async Task<int> SetRoleAsync(NpgsqlDataSource db, string username, string role, string[] rest)
    {
        var (o, exit) = ParseOptions(rest, forAdd: false);
        if (exit is { } e) return e;
        await using var conn = await db.OpenConnectionAsync();
        var (teamId, roleExit) = await ResolveRoleAsync(conn, role, o!);
        if (roleExit is { } r) return r;
        var where = teamId is { } t ? $" of team {t}" : o!.Scope is { } s ? $" for admin unit {s}" : role == Roles.Coordinator ? " (nationwide)" : "";
        return await ChangeAsync(db, AuthQueries.SetRole, username, [("role", role), ("team_id", teamId), ("admin_scope_code", o!.Scope)],
            $"'{username}' is now {role}{where}; its sessions were signed out.");
    }

    static async Task<int> ChangeAsync(NpgsqlDataSource db, string sql, string username, (string, object?)[] values, string done)
    {
        await using var conn = await db.OpenConnectionAsync();
        var found = await conn.Command(sql, [("username", username), .. values]).ExecuteScalarAsync();
        if (found is null) { Console.Error.WriteLine($"No user '{username}'."); return 1; }
        Console.WriteLine(done);
        return 0;
    }
}
