using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// Every signed-in request: the token's account version and session must still match the database, so a disabled,
/// re-roled or re-scoped account (or a signed-out session) is refused at once, not when its token expires.
/// What was read is kept per instance for RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS at most (default 2000) — safe to lose.
/// </summary>
public sealed class AccountCheck(NpgsqlDataSource db, ResourceMapOptions options) : IDisposable
{
    sealed record State(int Version, bool Disabled, bool SessionLive);

    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>Why this token no longer speaks for its account; null when it still does.</summary>
    public async Task<string?> RefusalAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!long.TryParse(principal.FindFirstValue(TokenClaims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(principal.FindFirstValue(TokenClaims.Version), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !Guid.TryParse(principal.FindFirstValue(TokenClaims.Session), out var session))
            return "This token is from an older sign-in; sign in again.";

        var state = await ReadAsync(id, session, ct);
        if (state is null) return "This account no longer exists.";
        if (state.Disabled) return "This account is disabled.";
        if (state.Version != version) return "This account changed (role, team, scope or password); sign in again.";
        if (!state.SessionLive) return "This session has ended (signed out); sign in again.";
        return null;
    }

    async Task<State?> ReadAsync(long id, Guid session, CancellationToken ct)
    {
        var key = (id, session);
        if (cache.TryGetValue(key, out State? cached)) return cached;
        State? state = null;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var reader = await conn.Command(AuthQueries.AccountState, ("id", id), ("session", session)).ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct)) state = new State(reader.GetInt32(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }
        if (state is not null)
            cache.Set(key, state, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(options.Limits.AccountCacheMilliseconds) });
        return state;
    }

    public void Dispose() => cache.Dispose();
}
