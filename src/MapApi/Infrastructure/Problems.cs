using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ResourceMap.Api.Infrastructure;

/// <summary>RFC 9457 problem details for the errors clients can fix.</summary>
public static class Problems
{
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
            if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Status = bad.StatusCode;
                ctx.ProblemDetails.Title = "Invalid request";
                ctx.ProblemDetails.Detail = bad.Message;
            }
        });
    }

    public static WebApplication UseResourceMapProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                // The database is unreachable (not a failing statement): the service is unavailable, not broken.
                Npgsql.NpgsqlException and not Npgsql.PostgresException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
