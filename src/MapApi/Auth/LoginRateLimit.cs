using ResourceMap.Api.Infrastructure;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ResourceMap.Api.Auth;

/// <summary>
/// Password guessing is throttled per client address: RESOURCEMAP_LOGIN_PER_MINUTE attempts (default 10)
/// per minute, then 429 with problem details and Retry-After.
/// </summary>
public static class LoginRateLimit
{
    public const string Policy = "login";

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services, ResourceMapOptions options)
    {
        var perMinute = options.Limits.LoginPerMinute;
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
                    detail: $"At most {perMinute} sign-in attempts a minute from one address; try again in a minute.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }
}
