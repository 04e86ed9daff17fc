namespace NexusTrade.MarketFeed.Faults;

/// <summary>What the simulator is currently doing wrong on purpose.</summary>
/// <param name="ErrorRate">Share of quote requests answered 500 (0 to 1).</param>
/// <param name="LatencyMs">Delay added before every quote answer.</param>
/// <param name="Outage">When set, every quote request fails with 503, as a vendor outage would.</param>
public sealed record FaultSettings(double ErrorRate = 0, int LatencyMs = 0, bool Outage = false)
{
    public const int MaxLatencyMs = 120_000;

    public static readonly FaultSettings None = new();

    public IEnumerable<string> Validate()
    {
        if (double.IsNaN(ErrorRate) || ErrorRate is < 0 or > 1) yield return "errorRate must be between 0 and 1.";
        if (LatencyMs is < 0 or > MaxLatencyMs) yield return $"latencyMs must be between 0 and {MaxLatencyMs}.";
    }
}
