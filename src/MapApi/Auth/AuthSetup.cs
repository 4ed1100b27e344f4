using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

/// <summary>
/// A local token issuer: the API signs its own HS256 JWTs. The key comes from RESOURCEMAP_JWT_KEY
/// (at least 32 characters); without it a random key is generated at start-up, so tokens die with the process.
/// </summary>
public sealed class TokenIssuer
{
    public const string Issuer = "resourcemap";
    public const string Audience = "resourcemap-api";
    public TimeSpan Lifetime { get; }

    public SymmetricSecurityKey Key { get; }
    public bool KeyWasGenerated { get; }

    public TokenIssuer(string? configuredKey, TimeSpan lifetime)
    {
        Lifetime = lifetime;
        if (string.IsNullOrEmpty(configuredKey))
        {
            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
            KeyWasGenerated = true;
        }
        else
        {
            var bytes = Encoding.UTF8.GetBytes(configuredKey);
            if (bytes.Length < 32) throw new InvalidOperationException("RESOURCEMAP_JWT_KEY must be at least 32 bytes (HS256).");
            Key = new SymmetricSecurityKey(bytes);
        }
    }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = TokenClaims.Username,
        RoleClaimType = TokenClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    public string Issue(long userId, string username, string displayName, string role, long? teamId, string? adminScope = null)
    {
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Subject] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [TokenClaims.Username] = username,
            [TokenClaims.DisplayName] = displayName,
            [TokenClaims.Role] = role,
        };
        if (teamId is { } t) claims[TokenClaims.TeamId] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (adminScope is not null) claims[TokenClaims.AdminScope] = adminScope;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.Add(Lifetime),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
    }
}

public static class AuthSetup
{
    public const string CoordinatorPolicy = "coordinator";

    public static IServiceCollection AddResourceMapAuth(this IServiceCollection services, ResourceMapOptions options)
    {
        var issuer = new TokenIssuer(options.JwtKey, TimeSpan.FromMinutes(options.Limits.AccessTokenMinutes));
        services.AddSingleton(issuer);
        services.AddHostedService<KeyNotice>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = issuer.ValidationParameters;
            // The bearer handler answers 401/403 with an empty body; clients get problem details like everywhere else.
            o.Events = new JwtBearerEvents
            {
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    await WriteProblemAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required",
                        "This action needs a signed-in coordinator or team lead: POST /api/auth/token, then send 'Authorization: Bearer <access_token>'.");
                },
                OnForbidden = ctx => WriteProblemAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "Not allowed",
                    "Your role may not do this; it needs a coordinator."),
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(CoordinatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Coordinator));
        return services;
    }

    static async Task WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    sealed class KeyNotice(TokenIssuer issuer, ILogger<TokenIssuer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            if (issuer.KeyWasGenerated)
                logger.LogWarning("RESOURCEMAP_JWT_KEY is not set: generated a random JWT signing key for this run; tokens become invalid when the API restarts.");
            return Task.CompletedTask;
        }
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
