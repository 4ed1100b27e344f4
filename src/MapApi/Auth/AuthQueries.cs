namespace ResourceMap.Api.Auth;

public static class AuthQueries
{
    public const string UserByUsername = """
        SELECT id, username, display_name, role, team_id, admin_scope_code, password_hash
        FROM users WHERE username = @username
        """;

    public const string UserById = """
        SELECT id, username, display_name, role, team_id, admin_scope_code
        FROM users WHERE id = @id
        """;

    public const string InsertUser = """
        INSERT INTO users (username, display_name, role, team_id, admin_scope_code, password_hash)
        VALUES (@username, @display_name, @role, @team_id, @admin_scope_code, @password_hash)
        ON CONFLICT (username) DO NOTHING
        RETURNING id
        """;

    /// <summary>"--team first" for development accounts: the team with the lowest id.</summary>
    public const string FirstTeam = "SELECT min(id) FROM teams";

    public const string TeamExists = "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @id)";
}
