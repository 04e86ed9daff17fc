namespace NexusTrade.Api.Quotes;

/// <summary>RFC 9457 problem+json answers with a stable type URI per kind of problem.</summary>
public static class Problems
{
    private const string TypeBase = "https://nexustrade.dev/problems/";

    public static IResult BadRequest(string title, string detail) => Create(StatusCodes.Status400BadRequest, "invalid-request", title, detail);

    public static IResult NotFound(string title, string detail) => Create(StatusCodes.Status404NotFound, "not-found", title, detail);

    public static IResult Unavailable(string title, string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "quote-unavailable", title, detail);

    public static IResult TooManyConnections(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "too-many-connections", "Too many connections", detail);

    private static IResult Create(int status, string type, string title, string detail) =>
        Results.Problem(statusCode: status, type: TypeBase + type, title: title, detail: detail);
}
