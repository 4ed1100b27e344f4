using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ResourceMap.Api.Auth;

public static class AuthSetup
{
    public const string CoordinatorPolicy = "coordinator";
    const string RefusalItem = "resourcemap.auth.refusal";

    public static IServiceCollection AddResourceMapAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AccountCheck>();
        services.AddSingleton<Sessions>();
        services.AddSingleton<LoginThrottle>();
        services.AddHostedService<SigningKeyNotice>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TokenIssuer>((o, issuer) =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = issuer.ValidationParameters;
            o.Events = new JwtBearerEvents
            {
                // The signing key may live in the database: load it (once) before the first token is validated.
                // Requests without a bearer token never touch the database here.
                OnMessageReceived = async ctx =>
                {
                    if (issuer.LoadedKey is null && ctx.Request.Headers.Authorization.Count > 0)
                        await issuer.KeyAsync(ctx.HttpContext.RequestAborted);
                },
                // A valid signature is not enough: the account and session must still be as the token states.
                OnTokenValidated = async ctx =>
                {
                    var check = ctx.HttpContext.RequestServices.GetRequiredService<AccountCheck>();
                    if (await check.RefusalAsync(ctx.Principal!, ctx.HttpContext.RequestAborted) is { } refusal)
                    {
                        ctx.HttpContext.Items[RefusalItem] = refusal;
                        ctx.Fail(refusal);
                    }
                },
                // The bearer handler answers 401/403 with an empty body; clients get problem details like everywhere else.
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    var detail = ctx.HttpContext.Items[RefusalItem] as string
                        ?? (ctx.AuthenticateFailure is Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException
                            ? "The access token has expired: POST /api/auth/refresh with the refresh token, or sign in again."
                            : "This action needs a signed-in coordinator or team lead: POST /api/auth/token, then send 'Authorization: Bearer <access_token>'.");
                    await WriteProblemAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required", detail);
                },
                OnForbidden = ctx => WriteProblemAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "Not allowed",
                    "Your role may not do this; it needs a coordinator."),
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(CoordinatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Coordinator));
        return services;
    }

    /// <summary>
    /// Authentication inside the problem-details pipeline (after UseResourceMapProblems), so a database outage while
    /// checking a token is a 503 problem like any other read.
    /// </summary>
    public static WebApplication UseResourceMapAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Loads the signing key at start-up so the log says where it comes from; a database still down is retried on first use.</summary>
    sealed class SigningKeyNotice(TokenIssuer issuer, ILogger<TokenIssuer> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            try { await issuer.KeyAsync(ct); }
            catch (Npgsql.NpgsqlException e)
            {
                logger.LogWarning("Token signing key not loaded yet ({Reason}); it will be loaded on the first sign-in.", e.Message);
            }
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
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
}
