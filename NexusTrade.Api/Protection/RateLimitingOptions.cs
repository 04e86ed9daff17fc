using System.ComponentModel.DataAnnotations;

namespace NexusTrade.Api.Protection;

/// <summary>Per-client request budget: a token bucket of <see cref="Burst"/> tokens refilled at <see cref="PermitsPerSecond"/>.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; } = true;

    [Range(1, 100_000, ErrorMessage = "RateLimiting:PermitsPerSecond must be between 1 and 100000.")]
    public int PermitsPerSecond { get; set; } = 100;

    [Range(1, 100_000, ErrorMessage = "RateLimiting:Burst must be between 1 and 100000.")]
    public int Burst { get; set; } = 200;
}
