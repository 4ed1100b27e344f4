using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// Password guessing is throttled twice, with counters in the database so every API instance shares them:
/// per client address (RESOURCEMAP_LOGIN_PER_MINUTE attempts a minute) and per account name
/// (RESOURCEMAP_LOGIN_ACCOUNT_FAILURES failures per RESOURCEMAP_LOGIN_ACCOUNT_WINDOW_MINUTES), then a 429 problem
/// with Retry-After. The account counter is kept for any name tried, existing or not, so a 429 reveals nothing.
/// </summary>
public sealed class LoginThrottle(ResourceMapOptions options)
{
    const string Address = "address", Account = "account";

    /// <summary>A 429 problem when this address or this account name must wait; null to go ahead.</summary>
    public async Task<IResult?> AdmitAsync(NpgsqlConnection conn, HttpContext http, string username, CancellationToken ct)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var limits = options.Limits;
        if (await CountAsync(conn, Address, address, limits.LoginPerMinute, TimeSpan.FromMinutes(1), ct) is { } wait)
            return TooMany(http, wait, $"At most {limits.LoginPerMinute} sign-in attempts a minute from one address; try again in {wait} seconds.");
        // Counted before the password is checked and forgotten on success, so parallel guesses cannot slip past the limit.
        if (await CountAsync(conn, Account, username, limits.LoginAccountFailures, TimeSpan.FromMinutes(limits.LoginAccountWindowMinutes), ct) is { } accountWait)
            return TooMany(http, accountWait, $"Too many failed sign-ins for this username; try again in {Math.Ceiling(accountWait / 60.0)} minutes.");
        return null;
    }

    /// <summary>A correct password clears the account's failures.</summary>
    public async Task SucceededAsync(NpgsqlConnection conn, string username, CancellationToken ct) =>
        await conn.Command(AuthQueries.ForgetAttempts, ("scope", Account), ("key", username)).ExecuteNonQueryAsync(ct);

    static async Task<int?> CountAsync(NpgsqlConnection conn, string scope, string key, int limit, TimeSpan window, CancellationToken ct)
    {
        await using var reader = await conn.Command(AuthQueries.CountAttempt, ("scope", scope), ("key", key), ("window", window)).ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt32(0) > limit ? reader.GetInt32(1) : null;
    }

    static IResult TooMany(HttpContext http, int seconds, string detail)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts", detail: detail);
    }
}
