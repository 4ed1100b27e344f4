using System.Threading.RateLimiting;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// What one anonymous visitor can cost everyone else. Two caps, both for requests without a valid token:
/// <list type="bullet">
/// <item>every SQL command they cause is cancelled on the server after <see cref="ApiLimits.AnonymousStatementSeconds"/>
/// (<see cref="Database.Command"/> reads <see cref="Active"/>) and answers 503 with a sentence, not 500;</item>
/// <item>the heavy reads (whole-area aggregates: clusters, planning, exports, OGC items, indicators, reports, tiles)
/// share <see cref="ApiLimits.AnonymousHeavyConcurrency"/> slots and a bounded queue; beyond it, 503 with Retry-After.</item>
/// </list>
/// Signed-in users are accountable and bypass both. The limiter is per instance: with several instances the cap
/// multiplies, which is what more machines are for.
/// </summary>
public static class AnonymousCostCaps
{
    static readonly AsyncLocal<bool> anonymous = new();

    /// <summary>True while the current request is anonymous: its SQL runs under the anonymous statement timeout.</summary>
    public static bool Active => anonymous.Value;

    /// <summary>Paths whose reads aggregate a whole area or layer, whatever the page size.</summary>
    public static bool IsHeavy(PathString path)
    {
        var p = path.Value ?? "";
        return p.StartsWith("/api/planning/", StringComparison.Ordinal)
            || p.StartsWith("/api/indicators", StringComparison.Ordinal)
            || p.StartsWith("/api/reports/", StringComparison.Ordinal)
            || p.StartsWith("/ogc/collections/", StringComparison.Ordinal)
            || (p.StartsWith("/api/layers/", StringComparison.Ordinal)
                && (p.EndsWith("/clusters", StringComparison.Ordinal) || p.EndsWith("/export", StringComparison.Ordinal) || p.Contains("/tiles/", StringComparison.Ordinal)));
    }

    public static WebApplication UseAnonymousCostCaps(this WebApplication app, ApiLimits limits)
    {
        var heavy = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.AnonymousHeavyConcurrency,
            QueueLimit = limits.AnonymousHeavyQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true) { await next(http); return; }
            anonymous.Value = true;
            if (!IsHeavy(http.Request.Path)) { await next(http); return; }
            using var lease = await heavy.AcquireAsync(1, http.RequestAborted);
            if (!lease.IsAcquired)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = "5";
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
                    detail: "Too many large map reads are running; try again in a few seconds, or sign in.").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>A command of an anonymous request cancelled by its timeout (server-side statement_timeout or the client's).</summary>
    public static bool IsTimeout(Exception e) =>
        e is Npgsql.PostgresException { SqlState: "57014" } || (e is Npgsql.NpgsqlException && e.InnerException is TimeoutException)
        // A Prepare cancelled by its timeout (Database.PrepareWithinTimeoutAsync): the server's cancellation inside.
        || (e is OperationCanceledException && e.InnerException is Npgsql.PostgresException { SqlState: "57014" });
}
