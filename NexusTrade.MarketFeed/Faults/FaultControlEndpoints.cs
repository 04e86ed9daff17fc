namespace NexusTrade.MarketFeed.Faults;

public static class FaultControlEndpoints
{
    /// <summary>
    /// <c>GET /faults</c> reads, <c>PUT /faults</c> replaces, <c>POST /faults/reset</c> clears the injected faults.
    /// The AppHost exposes the same calls as resource commands in the Aspire dashboard.
    /// </summary>
    public static IEndpointRouteBuilder MapFaultControlEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var faults = endpoints.MapGroup("/faults");
        faults.MapGet("/", (FaultInjector injector) => injector.Current);
        faults.MapPut("/", (FaultSettings settings, FaultInjector injector) =>
        {
            var errors = settings.Validate().ToArray();
            if (errors.Length > 0)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["faults"] = errors });
            }
            injector.Set(settings);
            return Results.Ok(settings);
        });
        faults.MapPost("/reset", (FaultInjector injector) =>
        {
            injector.Set(FaultSettings.None);
            return Results.Ok(FaultSettings.None);
        });
        return endpoints;
    }
}
