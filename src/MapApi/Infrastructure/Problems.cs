using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ResourceMap.Api.Infrastructure;

/// <summary>RFC 9457 problem details for the errors clients can fix.</summary>
public static class Problems
{
    /// <summary>SQLSTATE the database raises when a write would over-book a team or a need.</summary>
    public const string BookingConflict = "RM409";

    public static ProblemHttpResult BadRequest(string detail, string title = "Invalid request") =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    /// <summary>A 400 listing every problem found in the input, so a form can show them all at once.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<string> errors) =>
        TypedResults.Problem(detail: string.Join(" ", errors), statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>Problem details for every error, including binding failures and unhandled exceptions; never a stack trace.</summary>
    public static IServiceCollection AddResourceMapProblems(this IServiceCollection services)
    {
        // Binding failures ("limit=abc") throw in every environment, so the handler below can explain them.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            if (ctx.Exception is Npgsql.PostgresException { SqlState: BookingConflict } booking)
            {
                ctx.ProblemDetails.Status = StatusCodes.Status409Conflict;
                ctx.ProblemDetails.Title = "Conflict";
                ctx.ProblemDetails.Detail = booking.MessageText;
            }
            else if (ctx.Exception is { } e && AnonymousCostCaps.IsTimeout(e))
            {
                ctx.ProblemDetails.Status = StatusCodes.Status503ServiceUnavailable;
                ctx.ProblemDetails.Title = "Took too long";
                ctx.ProblemDetails.Detail = $"This read took longer than {ApiLimits.Current.AnonymousStatementSeconds} s and was stopped. Narrow the area or the filters, or sign in.";
                ctx.HttpContext.Response.Headers.RetryAfter = "10";
            }
            else if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Status = bad.StatusCode;
                ctx.ProblemDetails.Title = "Invalid request";
                ctx.ProblemDetails.Detail = InClientTerms(bad.Message);
            }
            // Last, so the messages set above are translated too.
            var http = ctx.HttpContext;
            http.Response.Headers.Append("Vary", "Accept-Language");
            if (ProblemLanguage.Wanted(http.Request))
            {
                ProblemLanguage.Vietnamese.Apply(ctx.ProblemDetails);
                http.Response.Headers.ContentLanguage = "vi";
            }
        });
    }

    /// <summary>
    /// The framework's binding messages name .NET types ("Failed to bind parameter \"Nullable&lt;DateOnly&gt; date\"");
    /// clients get the parameter as they wrote it. The input gate catches most of these first.
    /// </summary>
    public static string InClientTerms(string message)
    {
        var required = System.Text.RegularExpressions.Regex.Match(message, "^Required parameter \"[^\"]*?(\\w+)\" was not provided");
        if (required.Success) return $"{required.Groups[1].Value} is required.";
        var bind = System.Text.RegularExpressions.Regex.Match(message, "^Failed to bind parameter \"[^\"]*?(\\w+)\" from \"(.*)\"\\.?$");
        if (bind.Success) return $"{bind.Groups[1].Value} has a value that is not valid: '{bind.Groups[2].Value}'.";
        if (message.StartsWith("Failed to read parameter", StringComparison.Ordinal) || message.Contains("JSON", StringComparison.Ordinal))
            return "The body is not valid JSON, or a field in it has a value of the wrong type.";
        // Any other framework message: keep the sentence, drop type names in quotes.
        return System.Text.RegularExpressions.Regex.Replace(message, "\"[^\"]*? (\\w+)\"", "'$1'");
    }

    public static WebApplication UseResourceMapProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                // A booking invariant of the database refused the write (migration 0004): the client's conflict, not a fault.
                Npgsql.PostgresException { SqlState: BookingConflict } => StatusCodes.Status409Conflict,
                // An anonymous request's statement ran out of time (AnonymousCostCaps): the service is busy, not broken.
                _ when AnonymousCostCaps.IsTimeout(e) => StatusCodes.Status503ServiceUnavailable,
                // The database is unreachable (not a failing statement): the service is unavailable, not broken.
                Npgsql.NpgsqlException and not Npgsql.PostgresException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
