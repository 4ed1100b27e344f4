namespace ResourceMap.Api.Auth;

public static class AuthQueries
{
    /// <summary>The columns <see cref="AccountRow.Read"/> expects, for a users table aliased u.</summary>
    public const string AccountColumns = "u.id, u.username, u.display_name, u.role, u.team_id, u.admin_scope_code, u.account_version, u.disabled_at IS NOT NULL";

    public const string UserByUsername = $"""
        SELECT {AccountColumns}, u.password_hash
        FROM users u WHERE u.username = @username
        """;

    public const string UserById = $"""
        SELECT {AccountColumns}
        FROM users u WHERE u.id = @id
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

    public const string AdminUnitExists = "SELECT EXISTS (SELECT 1 FROM admin_units WHERE code = @code AND level <> 'country')";

    // Account changes: the users triggers (migration 0010) bump account_version and revoke the sessions.
    public const string SetPassword = "UPDATE users SET password_hash = @password_hash WHERE username = @username RETURNING account_version";

    public const string SetRole = """
        UPDATE users SET role = @role, team_id = @team_id, admin_scope_code = @admin_scope_code
        WHERE username = @username RETURNING account_version
        """;

    public const string Disable = "UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE username = @username RETURNING account_version";

    public const string Enable = "UPDATE users SET disabled_at = NULL WHERE username = @username RETURNING account_version";

    // ---------- the per-request check ----------

    /// <summary>What a token's claims are checked against on every signed-in request.</summary>
    public const string AccountState = """
        SELECT u.account_version, u.disabled_at IS NOT NULL, s.revoked_at IS NULL AND s.id IS NOT NULL
        FROM users u LEFT JOIN auth_sessions s ON s.id = @session AND s.user_id = u.id
        WHERE u.id = @id
        """;

    // ---------- sessions and refresh tokens ----------

    public const string OpenSession = "INSERT INTO auth_sessions (id, user_id, account_version) VALUES (@id, @user_id, @version)";

    public const string InsertRefreshToken = """
        INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (@hash, @session, now() + @lifetime)
        """;

    /// <summary>A presented refresh token with its session and account, locked so two refreshes of one session queue up.</summary>
    public const string RefreshTokenForUpdate = $"""
        SELECT t.session_id, t.expires_at <= now(), t.used_at IS NOT NULL, s.revoked_at IS NOT NULL, s.account_version,
               {AccountColumns}
        FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
        WHERE t.token_hash = @hash
        FOR UPDATE OF t, s
        """;

    public const string MarkRefreshTokenUsed = "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = @hash";

    public const string RevokeSession = """
        UPDATE auth_sessions SET revoked_at = now(), revoked_reason = @reason WHERE id = @id AND revoked_at IS NULL
        """;

    public const string RevokeSessionOfToken = """
        UPDATE auth_sessions s SET revoked_at = now(), revoked_reason = 'logout'
        FROM refresh_tokens t WHERE t.token_hash = @hash AND s.id = t.session_id AND s.revoked_at IS NULL
        """;

    /// <summary>Housekeeping: sessions whose refresh tokens have all expired, and old throttle windows.</summary>
    public const string Sweep = """
        DELETE FROM auth_sessions s
        WHERE s.created_at < now() - @keep
          AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id AND t.expires_at > now() - @keep);
        DELETE FROM login_attempts WHERE window_start < now() - @window;
        """;

    // ---------- sign-in throttling ----------

    /// <summary>Counts one attempt in the key's window (a new window when the old one ended); returns the count and the seconds left.</summary>
    public const string CountAttempt = """
        INSERT INTO login_attempts AS a (scope, key, window_start, attempts) VALUES (@scope, @key, now(), 1)
        ON CONFLICT (scope, key) DO UPDATE SET
            window_start = CASE WHEN a.window_start <= now() - @window THEN now() ELSE a.window_start END,
            attempts     = CASE WHEN a.window_start <= now() - @window THEN 1 ELSE a.attempts + 1 END
        RETURNING attempts, greatest(1, ceil(extract(epoch FROM window_start + @window - now())))::int
        """;

    public const string ForgetAttempts = "DELETE FROM login_attempts WHERE scope = @scope AND key = @key";

    // ---------- signing key ----------

    public const string InsertSigningKey = "INSERT INTO signing_keys (id, key) VALUES (@id, @key) ON CONFLICT (id) DO NOTHING RETURNING created_at";

    public const string SigningKey = "SELECT key FROM signing_keys WHERE id = @id";
}
