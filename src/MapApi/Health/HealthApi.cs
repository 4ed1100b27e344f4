using Npgsql;

namespace ResourceMap.Api.Health;

public static class HealthApi
{
    public sealed record HealthReport(string Status, string Database, string? PostgisVersion, string? Error);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckHealth)
            .WithTags("Health")
            .WithName("Health")
            .WithSummary("Database reachable and PostGIS version; 503 when the database is not")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<IResult> CheckHealth(NpgsqlDataSource db, ILoggerFactory logs, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT postgis_lib_version()", conn) { CommandTimeout = 5 };
            var version = (string?)await command.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new HealthReport("ok", "reachable", version, null));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logs.CreateLogger("Health").LogWarning(e, "Health check failed");
            // Say what is wrong without leaking connection details.
            return TypedResults.Json(new HealthReport("unhealthy", "unreachable", null, e.GetType().Name), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
