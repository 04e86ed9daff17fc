namespace NexusTrade.MarketFeed.Faults;

/// <summary>Holds the current fault settings and applies them to a quote request.</summary>
public sealed class FaultInjector(ILogger<FaultInjector> logger)
{
    private volatile FaultSettings _settings = FaultSettings.None;

    public FaultSettings Current => _settings;

    public void Set(FaultSettings settings)
    {
        _settings = settings;
        logger.LogWarning("Fault settings changed: error rate {ErrorRate}, latency {LatencyMs} ms, outage {Outage}",
            settings.ErrorRate, settings.LatencyMs, settings.Outage);
    }

    /// <summary>Returns the failure to answer with, or null when the request should succeed.</summary>
    public async Task<IResult?> ApplyAsync(CancellationToken cancellationToken)
    {
        var settings = _settings;
        if (settings.LatencyMs > 0)
        {
            await Task.Delay(settings.LatencyMs, cancellationToken);
        }
        if (settings.Outage)
        {
            return Results.Json(new { error = "Service unavailable (simulated outage)." }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (settings.ErrorRate > 0 && Random.Shared.NextDouble() < settings.ErrorRate)
        {
            return Results.Json(new { error = "Internal error (simulated)." }, statusCode: StatusCodes.Status500InternalServerError);
        }
        return null;
    }
}
