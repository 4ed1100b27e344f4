using System.Security.Claims;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Auth;

public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record RefreshRequest(string? RefreshToken);
    public sealed record UserView(string Username, string DisplayName, string Role, long? TeamId, string? AdminScopeCode = null);
    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn, UserView User);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Auth");
        api.MapPost("/token", IssueToken)
            .WithName("IssueToken")
            .WithSummary("Exchange username and password for a bearer token and a refresh token")
            .WithDescription("Body {\"username\", \"password\"} → {access_token, token_type: \"Bearer\", expires_in (seconds, default 900), refresh_token, refresh_expires_in, user: {username, display_name, role, team_id, admin_scope_code}}. Bad credentials → 401 problem; too many attempts from one address or for one username → 429 problem with Retry-After.")
            .Accepts<TokenRequest>("application/json")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/refresh", Refresh)
            .WithName("RefreshToken")
            .WithSummary("Trade a refresh token for a new access token and a new refresh token")
            .WithDescription("Body {\"refresh_token\"} → the same answer as POST /api/auth/token. Each refresh token works once; presenting a used one again ends its session. Refused (401 problem) after sign-out, expiry, or any change to the account (password, role, team, scope, disabled).")
            .Accepts<RefreshRequest>("application/json")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/logout", Logout)
            .WithName("Logout")
            .WithSummary("End the session of a refresh token")
            .WithDescription("Body {\"refresh_token\"} → 204. The refresh token and every access token of its session stop working at once. Unknown tokens are ignored.")
            .Accepts<RefreshRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The signed-in user")
            .RequireAuthorization()
            .Produces<UserView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    static async Task<IResult> IssueToken(HttpContext http, NpgsqlDataSource db, LoginThrottle throttle, Sessions sessions,
        TokenIssuer issuer, ResourceMapOptions options, CancellationToken ct)
    {
        var (body, error) = await ApiJson.ReadAsync<TokenRequest>(http.Request, ct);
        if (error is not null) return Problems.BadRequest(error);
        if (string.IsNullOrEmpty(body!.Username) || string.IsNullOrEmpty(body.Password) || body.Username.Length > 64 || body.Password.Length > 256)
            return Problems.BadRequest("username and password are required (a username of at most 64 characters, a password of at most 256).");
        var username = body.Username.Trim().ToLowerInvariant();

        await using var conn = await db.OpenConnectionAsync(ct);
        if (await throttle.AdmitAsync(conn, http, username, ct) is { } tooMany) return tooMany;

        AccountRow? user = null;
        var hash = PasswordHasher.Dummy;
        await using (var reader = await conn.Command(AuthQueries.UserByUsername, ("username", username)).ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct)) (user, hash) = (AccountRow.Read(reader), reader.GetString(8));
        }
        // Verify even for unknown users so the answer takes as long either way.
        if (!PasswordHasher.Verify(body.Password, hash) || user is null)
            return Problems.Unauthorized("Unknown username or wrong password.");
        await throttle.SucceededAsync(conn, username, ct);
        // Said only to someone who knows the password.
        if (user.Disabled) return Problems.Unauthorized("This account is disabled.");

        return Answer(await sessions.OpenAsync(conn, user, ct), options);
    }

    static async Task<IResult> Refresh(HttpRequest request, Sessions sessions, ResourceMapOptions options, CancellationToken ct)
    {
        var (token, error) = await ReadRefreshTokenAsync(request, ct);
        if (error is not null) return error;
        var (issued, refusal) = await sessions.RefreshAsync(token!, ct);
        return issued is null ? Problems.Unauthorized(refusal!) : Answer(issued, options);
    }

    static async Task<IResult> Logout(HttpRequest request, Sessions sessions, CancellationToken ct)
    {
        var (token, error) = await ReadRefreshTokenAsync(request, ct);
        if (error is not null) return error;
        await sessions.LogoutAsync(token!, ct);
        return TypedResults.NoContent();
    }

    static async Task<(string? Token, IResult? Error)> ReadRefreshTokenAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, error) = await ApiJson.ReadAsync<RefreshRequest>(request, ct);
        if (error is not null) return (null, Problems.BadRequest(error));
        if (string.IsNullOrEmpty(body!.RefreshToken) || body.RefreshToken.Length > 256)
            return (null, Problems.BadRequest("refresh_token is required: the refresh_token from POST /api/auth/token or the last refresh."));
        return (body.RefreshToken, null);
    }

    static IResult Answer(Sessions.Issued issued, ResourceMapOptions options) =>
        ApiJson.Ok(new TokenResponse(issued.AccessToken, "Bearer", options.Limits.AccessTokenMinutes * 60,
            issued.RefreshToken, options.Limits.RefreshTokenHours * 3600, issued.User.View));

    static async Task<IResult> Me(ClaimsPrincipal principal, NpgsqlDataSource db, CancellationToken ct)
    {
        if (CurrentUser.From(principal) is not { } me) return Problems.Unauthorized("Sign in first.");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.Command(AuthQueries.UserById, ("id", me.Id)).ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return Problems.Unauthorized("This account no longer exists.");
        return ApiJson.Ok(AccountRow.Read(reader).View);
    }
}
