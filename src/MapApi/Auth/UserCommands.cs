using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// `MapApi users add &lt;username&gt; &lt;role&gt; [--team &lt;id|first&gt;] [--display-name "..."] [--scope &lt;admin code&gt;] [--if-missing]`.
/// The password comes from env RESOURCEMAP_USER_PASSWORD, never from the command line (it would show in ps and shell history).
/// </summary>
public static class UserCommands
{
    public const string Usage = "users add <username> <coordinator|team-lead> [--team <id|first>] [--display-name \"...\"] [--scope <admin code>] [--if-missing]   (password from env RESOURCEMAP_USER_PASSWORD)";

    public static async Task<int> RunAsync(NpgsqlDataSource db, string[] args)
    {
        if (args.Length < 4 || args[1] != "add") { Console.Error.WriteLine("Usage: MapApi " + Usage); return 2; }
        var username = args[2].Trim().ToLowerInvariant();
        var role = args[3];
        string? team = null, displayName = null, scope = null;
        var ifMissing = false;
        for (var i = 4; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--team" when i + 1 < args.Length: team = args[++i]; break;
                case "--display-name" when i + 1 < args.Length: displayName = args[++i]; break;
                case "--scope" when i + 1 < args.Length: scope = args[++i]; break;
                case "--if-missing": ifMissing = true; break;
                default: Console.Error.WriteLine($"Unknown option '{args[i]}'. Usage: MapApi {Usage}"); return 2;
            }
        }
        if (!Roles.All.Contains(role)) { Console.Error.WriteLine($"role must be one of: {string.Join(", ", Roles.All)}."); return 2; }
        var password = Environment.GetEnvironmentVariable("RESOURCEMAP_USER_PASSWORD");
        if (string.IsNullOrEmpty(password) || password.Length < 10)
        {
            Console.Error.WriteLine("Set RESOURCEMAP_USER_PASSWORD to the new user's password (at least 10 characters).");
            return 2;
        }

        await using var conn = await db.OpenConnectionAsync();
        long? teamId = null;
        if (team is not null)
        {
            teamId = team == "first"
                ? await conn.Command(AuthQueries.FirstTeam).ExecuteScalarAsync() as long?
                : long.TryParse(team, out var t) && (bool)(await conn.Command(AuthQueries.TeamExists, ("id", t)).ExecuteScalarAsync())! ? t : null;
            if (teamId is null) { Console.Error.WriteLine($"No team '{team}' in the database."); return 1; }
        }
        if (role == Roles.TeamLead && teamId is null) { Console.Error.WriteLine("A team lead needs --team <id>."); return 2; }
        if (role == Roles.Coordinator) teamId = null;

        try
        {
            var id = await conn.Command(AuthQueries.InsertUser, ("username", username), ("display_name", displayName ?? username),
                ("role", role), ("team_id", teamId), ("admin_scope_code", scope), ("password_hash", PasswordHasher.Hash(password))).ExecuteScalarAsync();
            if (id is null)
            {
                Console.WriteLine($"User '{username}' already exists; unchanged.");
                return ifMissing ? 0 : 1;
            }
            Console.WriteLine($"Created {role} '{username}'{(teamId is null ? "" : $" for team {teamId}")}.");
            return 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
        {
            Console.Error.WriteLine($"Invalid user: usernames are 2–64 characters of a-z, 0-9, '.', '_' or '-'. ({e.ConstraintName})");
            return 1;
        }
    }
}
