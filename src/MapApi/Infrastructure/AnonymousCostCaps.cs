using System.Threading.RateLimiting;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// What one anonymous visitor can cost everyone else. Two caps, both for requests without a valid token:
/// <list type="bullet">
/// <item>every SQL command they cause is cancelled on the server after <see cref="ApiLimits.AnonymousStatementSeconds"/>
/// (<see cref="Database.Command"/> reads <see cref="Active"/>) and answers 503 with a sentence, not 500;</item>
/// <item>the heavy reads (whole-area aggregates: clusters, planning, exports, OGC items, indicators, reports, tiles)
/// share <see cref="ApiLimits.AnonymousHeavyConcurrency"/> slots and a bounded queue; beyond it, 503 with Retry-After.
/// Clusters and tiles take a slot only for the work that aggregates (<see cref="EnterHeavyAsync"/>): a view the cluster
/// pyramid answers (unfiltered or one faceted filter) and a tile from the cache cost what a light read does (1–3 ms and
/// 1–2 ms at a million teams), and holding them to one slot on a 2-core machine held the whole public map to one
/// request at a time.</item>
/// </list>
/// Signed-in users are accountable and bypass both. The limiter is per instance: with several instances the cap
/// multiplies, which is what more machines are for.
/// </summary>
public static class AnonymousCostCaps
{
    static readonly AsyncLocal<bool> anonymous = new();

    /// <summary>True while the current request is anonymous: its SQL runs under the anonymous statement timeout.</summary>
    public static bool Active => anonymous.Value;

    /// <summary>The slots of the current anonymous clusters or tile request, taken only if it aggregates.</summary>
    sealed class DeferredSlot(ConcurrencyLimiter limiter)
    {
        public ConcurrencyLimiter Limiter { get; } = limiter;
        public RateLimitLease? Lease { get; set; }
    }

    static readonly AsyncLocal<DeferredSlot?> deferred = new();

    /// <summary>Thrown when an anonymous request's aggregating work finds every slot and the queue taken (answered 503).</summary>
    public sealed class BusyException() : Exception("Too many large map reads are running.");

    /// <summary>
    /// Called by clusters and tiles before work that aggregates points (clusters not from the pyramid, a tile rendered):
    /// an anonymous request then takes a heavy slot, waiting in the queue, or is refused with 503. Nothing for signed-in
    /// requests and outside a request (the benchmark calls the same code).
    /// </summary>
    public static async ValueTask EnterHeavyAsync(CancellationToken ct)
    {
        if (deferred.Value is not { Lease: null } slot) return;
        var lease = await slot.Limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new BusyException();
        }
        slot.Lease = lease;
    }

    /// <summary>Whether <see cref="EnterHeavyAsync"/> would take a slot (and may wait): a caller holding a connection lets it go first.</summary>
    public static bool MustTakeSlot => deferred.Value is { Lease: null };

    /// <summary>Heavy paths whose cheap answers (pyramid, tile cache) go without a slot: see <see cref="EnterHeavyAsync"/>.</summary>
    static bool TakesSlotWhenAggregating(string path) =>
        path.StartsWith("/api/layers/", StringComparison.Ordinal)
        && (path.EndsWith("/clusters", StringComparison.Ordinal) || path.Contains("/tiles/", StringComparison.Ordinal));

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
            if (TakesSlotWhenAggregating(http.Request.Path.Value!))
            {
                var slot = new DeferredSlot(heavy);
                deferred.Value = slot;
                try { await next(http); }
                catch (BusyException) when (!http.Response.HasStarted) { await BusyAsync(http); }
                finally { slot.Lease?.Dispose(); }
                return;
            }
            using var lease = await heavy.AcquireAsync(1, http.RequestAborted);
            if (!lease.IsAcquired)
            {
                await BusyAsync(http);
                return;
            }
            await next(http);
        });
        return app;
    }

    static Task BusyAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
            detail: "Too many large map reads are running; try again in a few seconds, or sign in.").ExecuteAsync(http);
    }

    /// <summary>A command of an anonymous request cancelled by its timeout (server-side statement_timeout or the client's).</summary>
    public static bool IsTimeout(Exception e) =>
        e is Npgsql.PostgresException { SqlState: "57014" } || (e is Npgsql.NpgsqlException && e.InnerException is TimeoutException)
        // A Prepare cancelled by its timeout (Database.PrepareWithinTimeoutAsync): the server's cancellation inside.
        || (e is OperationCanceledException && e.InnerException is Npgsql.PostgresException { SqlState: "57014" });
}
