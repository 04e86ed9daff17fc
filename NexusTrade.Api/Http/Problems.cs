using Microsoft.AspNetCore.Http.HttpResults;

namespace NexusTrade.Api.Http;

/// <summary>
/// RFC 9457 problem+json answers with a stable type URI per kind of problem: the one place that REST, the
/// WebSocket endpoint's HTTP rejections and the rate limiter build them.
/// </summary>
public static class Problems
{
    private const string TypeBase = "https://nexustrade.dev/problems/";

    /// <summary>Problem details for the framework's own answers too (unknown routes, wrong methods, unhandled errors).</summary>
    public static IHostApplicationBuilder AddProblemResponses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Documents the problem+json statuses an endpoint can answer with.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint.ProducesProblem(status);
        return endpoint;
    }

    public static ProblemHttpResult BadRequest(string title, string detail) => Create(StatusCodes.Status400BadRequest, "invalid-request", title, detail);

    public static ProblemHttpResult NotFound(string title, string detail) => Create(StatusCodes.Status404NotFound, "not-found", title, detail);

    public static ProblemHttpResult Unavailable(string title, string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "quote-unavailable", title, detail);

    public static ProblemHttpResult RateLimited(string detail) =>
        Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests", detail);

    private static ProblemHttpResult Create(int status, string type, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: TypeBase + type, title: title, detail: detail);
}
