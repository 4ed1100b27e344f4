using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// Sign-in sessions with rotating refresh tokens, all in the database (any instance can refresh what another issued).
/// A refresh token is 256 random bits, shown to the client once and stored as its SHA-256; each refresh marks it used
/// and hands out its successor. A used token presented again was copied: its whole session is revoked.
/// </summary>
public sealed class Sessions(NpgsqlDataSource db, TokenIssuer issuer, ResourceMapOptions options)
{
    public sealed record Issued(string AccessToken, string RefreshToken, AccountRow User);

    /// <summary>Opens a session for a user who just proved their password.</summary>
    public async Task<Issued> OpenAsync(NpgsqlConnection conn, AccountRow user, CancellationToken ct)
    {
        var session = Guid.NewGuid();
        var refresh = NewRefreshToken();
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await conn.Command(AuthQueries.OpenSession, ("id", session), ("user_id", user.Id), ("version", user.Version)).ExecuteNonQueryAsync(ct);
            await InsertRefreshAsync(conn, refresh, session, ct);
            await tx.CommitAsync(ct);
        }
        // Housekeeping shared by the instances, about once in fifty sign-ins: cheap and needs no timer.
        if (Random.Shared.Next(50) == 0)
            await conn.Command(AuthQueries.Sweep, ("keep", TimeSpan.FromDays(1)), ("window", TimeSpan.FromDays(1))).ExecuteNonQueryAsync(ct);
        return new Issued(await issuer.IssueAsync(user, session, ct), refresh, user);
    }

    /// <summary>Trades a refresh token for a new access token and a new refresh token; the reason as text when refused.</summary>
    public async Task<(Issued? Issued, string? Refusal)> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        if (Hash(refreshToken) is not { } hash) return (null, Unknown);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        Guid session;
        bool expired, used, revoked;
        int sessionVersion;
        AccountRow user;
        await using (var reader = await conn.Command(AuthQueries.RefreshTokenForUpdate, ("hash", hash)).ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return (null, Unknown);
            (session, expired, used, revoked, sessionVersion) =
                (reader.GetGuid(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetInt32(4));
            user = AccountRow.Read(reader, 5);
        }
        if (revoked) return (null, "This session has ended (signed out, or the account changed); sign in again.");
        if (used)
        {
            await conn.Command(AuthQueries.RevokeSession, ("id", session), ("reason", "reuse")).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return (null, "This refresh token was already used once, so it may have been copied: the session is ended. Sign in again.");
        }
        if (expired) return (null, "This refresh token has expired; sign in again.");
        if (user.Disabled || user.Version != sessionVersion)
        {
            await conn.Command(AuthQueries.RevokeSession, ("id", session), ("reason", "account-changed")).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return (null, user.Disabled ? "This account is disabled." : "This account changed (role, team, scope or password); sign in again.");
        }
        var next = NewRefreshToken();
        await conn.Command(AuthQueries.MarkRefreshTokenUsed, ("hash", hash)).ExecuteNonQueryAsync(ct);
        await InsertRefreshAsync(conn, next, session, ct);
        await tx.CommitAsync(ct);
        return (new Issued(await issuer.IssueAsync(user, session, ct), next, user), null);
    }

    /// <summary>Ends the session a refresh token belongs to (and with it the access tokens issued in it). Unknown tokens are ignored.</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken ct)
    {
        if (Hash(refreshToken) is not { } hash) return;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.Command(AuthQueries.RevokeSessionOfToken, ("hash", hash)).ExecuteNonQueryAsync(ct);
    }

    const string Unknown = "Unknown refresh token; sign in again.";

    Task InsertRefreshAsync(NpgsqlConnection conn, string token, Guid session, CancellationToken ct) =>
        conn.Command(AuthQueries.InsertRefreshToken, ("hash", Hash(token)), ("session", session), ("lifetime", TimeSpan.FromHours(options.Limits.RefreshTokenHours)))
            .ExecuteNonQueryAsync(ct);

    static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of a well-formed token (43 base64url characters); null for anything else.</summary>
    static byte[]? Hash(string token)
    {
        if (token.Length != 43 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        return SHA256.HashData(Encoding.ASCII.GetBytes(token));
    }
}
