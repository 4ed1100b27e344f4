using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// A local token issuer: the API signs its own short-lived HS256 JWTs. The key is RESOURCEMAP_JWT_KEY when set;
/// otherwise one key generated once and kept in the database (signing_keys), so every instance and every
/// restart signs and accepts the same tokens. The key is loaded on first use, not at start-up, so the API
/// still starts (and answers 503) while the database is down.
/// </summary>
public sealed class TokenIssuer(ResourceMapOptions options, NpgsqlDataSource db, ILogger<TokenIssuer> logger)
{
    public const string Issuer = "resourcemap";
    public const string Audience = "resourcemap-api";
    const string StoredKeyId = "jwt-hs256";

    readonly SemaphoreSlim loading = new(1, 1);
    SymmetricSecurityKey? key;

    public TimeSpan Lifetime => TimeSpan.FromMinutes(options.Limits.AccessTokenMinutes);

    /// <summary>The key once loaded; null before the first signed-in request or sign-in.</summary>
    public SymmetricSecurityKey? LoadedKey => key;

    public async ValueTask<SymmetricSecurityKey> KeyAsync(CancellationToken ct)
    {
        if (key is { } loaded) return loaded;
        await loading.WaitAsync(ct);
        try { return key ??= await LoadKeyAsync(ct); }
        finally { loading.Release(); }
    }

    async Task<SymmetricSecurityKey> LoadKeyAsync(CancellationToken ct)
    {
        if (options.JwtKey is { } configured)
        {
            logger.LogInformation("Token signing key: from RESOURCEMAP_JWT_KEY.");
            return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        // Instances starting together race here; ON CONFLICT makes the first insert win and everyone read it.
        var created = await conn.Command(AuthQueries.InsertSigningKey, ("id", StoredKeyId), ("key", RandomNumberGenerator.GetBytes(32)))
            .ExecuteScalarAsync(ct) is not null;
        var bytes = (byte[])(await conn.Command(AuthQueries.SigningKey, ("id", StoredKeyId)).ExecuteScalarAsync(ct))!;
        if (created)
            logger.LogWarning("Token signing key: RESOURCEMAP_JWT_KEY is not set; generated a key and stored it in the database (table signing_keys), shared by every instance. Set RESOURCEMAP_JWT_KEY in production.");
        else
            logger.LogInformation("Token signing key: RESOURCEMAP_JWT_KEY is not set; using the key stored in the database (table signing_keys).");
        return new SymmetricSecurityKey(bytes);
    }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        // OnMessageReceived loads the key before validation runs (see AuthSetup).
        IssuerSigningKeyResolver = (_, _, _, _) => key is { } k ? [k] : [],
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = TokenClaims.Username,
        RoleClaimType = TokenClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    public async Task<string> IssueAsync(AccountRow user, Guid sessionId, CancellationToken ct)
    {
        var signingKey = await KeyAsync(ct);
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Subject] = user.Id.ToString(CultureInfo.InvariantCulture),
            [TokenClaims.Username] = user.Username,
            [TokenClaims.DisplayName] = user.DisplayName,
            [TokenClaims.Role] = user.Role,
            [TokenClaims.Version] = user.Version.ToString(CultureInfo.InvariantCulture),
            [TokenClaims.Session] = sessionId.ToString("D"),
            // Two tokens issued in the same second (sign-in, then an early refresh) must still differ.
            [TokenClaims.TokenId] = Guid.NewGuid().ToString("N"),
        };
        if (user.TeamId is { } t) claims[TokenClaims.TeamId] = t.ToString(CultureInfo.InvariantCulture);
        if (user.AdminScope is not null) claims[TokenClaims.AdminScope] = user.AdminScope;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(Lifetime),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>An account as the users table holds it now.</summary>
public sealed record AccountRow(long Id, string Username, string DisplayName, string Role, long? TeamId, string? AdminScope, int Version, bool Disabled)
{
    /// <summary>Reads the columns of <see cref="AuthQueries.AccountColumns"/> starting at <paramref name="first"/>.</summary>
    public static AccountRow Read(NpgsqlDataReader r, int first = 0) => new(
        r.GetInt64(first), r.GetString(first + 1), r.GetString(first + 2), r.GetString(first + 3),
        r.IsDBNull(first + 4) ? null : r.GetInt64(first + 4), r.IsDBNull(first + 5) ? null : r.GetString(first + 5),
        r.GetInt32(first + 6), r.GetBoolean(first + 7));

    public AuthApi.UserView View => new(Username, DisplayName, Role, TeamId, AdminScope);
}
