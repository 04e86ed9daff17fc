using Microsoft.Extensions.Options;

namespace NexusTrade.Api.Providers;

/// <summary>The market-data providers, in fail-over order, and the resilience settings their calls share.</summary>
public sealed class MarketDataOptions
{
    public const string SectionName = "MarketData";

    public List<ProviderEndpointOptions> Providers { get; set; } = [];

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Timeout of one provider call, retries included; after it the next provider is asked.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int RetryAttempts { get; set; } = 2;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Share of failed calls in <see cref="SamplingDuration"/> that opens the breaker.</summary>
    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 5;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker rejects calls before letting one through (half-open).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class ProviderEndpointOptions
{
    /// <summary>Used as the <c>provider</c> metric label and in responses: keep it short, lower-case, stable.</summary>
    public string Name { get; set; } = "";

    /// <summary>Base address of a Finnhub-compatible API (the client calls <c>{BaseUrl}/api/v1/quote</c>).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Secret: comes from user secrets, an environment variable or an Aspire parameter, never from appsettings.</summary>
    public string ApiKey { get; set; } = "";
}

/// <summary>Checks the provider list at start-up and says exactly which entry is wrong.</summary>
public sealed class MarketDataOptionsValidator : IValidateOptions<MarketDataOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketDataOptions options)
    {
        var errors = new List<string>();
        if (options.Providers.Count == 0)
        {
            errors.Add("MarketData:Providers is empty: configure at least one provider (Name, BaseUrl, ApiKey).");
        }
        for (var i = 0; i < options.Providers.Count; i++)
        {
            var p = options.Providers[i];
            var at = $"MarketData:Providers:{i}";
            if (!ProviderName.IsValid(p.Name))
                errors.Add($"{at}:Name '{p.Name}' must be 1-40 characters of a-z, 0-9 and '-'.");
            if (!Uri.TryCreate(p.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                errors.Add($"{at}:BaseUrl '{p.BaseUrl}' must be an absolute http(s) URL.");
            if (string.IsNullOrWhiteSpace(p.ApiKey))
                errors.Add($"{at}:ApiKey is missing: set it as a secret (user secrets, environment or Aspire parameter).");
        }
        foreach (var duplicate in options.Providers.GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"MarketData:Providers names must be unique; '{duplicate.Key}' appears {duplicate.Count()} times.");
        }
        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.TotalTimeout)
            errors.Add("MarketData:AttemptTimeout must be positive and no longer than MarketData:TotalTimeout.");
        if (options.TotalTimeout > TimeSpan.FromSeconds(30))
            errors.Add("MarketData:TotalTimeout must be at most 30 seconds.");
        if (options.RetryAttempts is < 0 or > 5)
            errors.Add("MarketData:RetryAttempts must be between 0 and 5.");
        if (options.FailureRatio is <= 0 or > 1)
            errors.Add("MarketData:FailureRatio must be in (0, 1].");
        if (options.MinimumThroughput < 2)
            errors.Add("MarketData:MinimumThroughput must be at least 2 (a Polly requirement).");
        if (options.SamplingDuration < TimeSpan.FromMilliseconds(500))
            errors.Add("MarketData:SamplingDuration must be at least 500 ms (a Polly requirement).");
        if (options.BreakDuration < TimeSpan.FromMilliseconds(500))
            errors.Add("MarketData:BreakDuration must be at least 500 ms (a Polly requirement).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class ProviderName
{
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 40 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
