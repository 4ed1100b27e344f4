using System.Security.Claims;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record UserView(string Username, string DisplayName, string Role, long? TeamId, string? AdminScopeCode = null);
    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, UserView User);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Auth");
        api.MapPost("/token", IssueToken)
            .WithName("IssueToken")
            .WithSummary("Exchange username and password for a bearer token")
            .WithDescription("Body {\"username\", \"password\"} → {access_token, token_type: \"Bearer\", expires_in (seconds), user: {username, display_name, role, team_id}}. Bad credentials → 401 problem.")
            .RequireRateLimiting(LoginRateLimit.Policy)
            .Accepts<TokenRequest>("application/json")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The signed-in user")
            .RequireAuthorization()
            .Produces<UserView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    static async Task<IResult> IssueToken(HttpRequest request, NpgsqlDataSource db, TokenIssuer issuer, CancellationToken ct)
    {
        var (body, error) = await ApiJson.ReadAsync<TokenRequest>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (string.IsNullOrEmpty(body!.Username) || string.IsNullOrEmpty(body.Password) || body.Username.Length > 64 || body.Password.Length > 256)
            return Problems.BadRequest("username and password are required.");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.Command(AuthQueries.UserByUsername, ("username", body.Username.Trim().ToLowerInvariant())).ExecuteReaderAsync(ct);
        var found = await reader.ReadAsync(ct);
        var hash = found ? reader.GetString(6) : PasswordHasher.Dummy;
        // Verify even for unknown users so the answer takes as long either way.
        if (!PasswordHasher.Verify(body.Password, hash) || !found)
            return Problems.Unauthorized("Unknown username or wrong password.");

        var user = new UserView(reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5));
        var token = issuer.Issue(reader.GetInt64(0), user.Username, user.DisplayName, user.Role, user.TeamId, user.AdminScopeCode);
        return ApiJson.Ok(new TokenResponse(token, "Bearer", (int)issuer.Lifetime.TotalSeconds, user));
    }

    static async Task<IResult> Me(ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        if (CurrentUser.From(principal) is not { } me) return Problems.Unauthorized("Sign in first.");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.Command(AuthQueries.UserById, ("id", me.Id)).ExecuteReaderAsync(ct);
        // A token can outlive its account.
        if (!await reader.ReadAsync(ct)) return Problems.Unauthorized("This account no longer exists.");
        return ApiJson.Ok(new UserView(reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
    }
}
