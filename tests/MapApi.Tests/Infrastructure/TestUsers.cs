using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>
/// Adds a user the way `MapApi users add` does (its INSERT, its password hash), so tests sign in through
/// POST /api/auth/token exactly as people do.
/// </summary>
public static class TestUsers
{
    public static async Task AddAsync(NpgsqlConnection conn, string username, string role, string password, long? teamId = null,
        string? displayName = null, string? adminScope = null) =>
        await conn.Command(AuthQueries.InsertUser, ("username", username), ("display_name", displayName ?? $"Người dùng {username}"),
            ("role", role), ("team_id", teamId), ("admin_scope_code", adminScope), ("password_hash", PasswordHasher.Hash(password))).ExecuteNonQueryAsync();
}
