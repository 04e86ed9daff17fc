using Microsoft.Extensions.Configuration;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>What the Kubernetes publisher cannot read from the app model: images of the .NET projects and the optional parts.</summary>
public sealed record KubernetesPublishingOptions(
    string ApiImage,
    string MarketFeedImage,
    bool IncludeSimulators,
    IReadOnlyDictionary<string, string> ProviderUrls)
{
    public const string Section = "NexusTrade:Kubernetes";
    public const string DefaultApiImage = "ghcr.io/nexustrade/api:1.0.0";
    public const string DefaultMarketFeedImage = "ghcr.io/nexustrade/marketfeed:1.0.0";

    /// <summary>The vendor API the providers call when the simulators are not deployed (Finnhub wire format).</summary>
    public const string DefaultProviderUrl = "https://finnhub.io";

    public static KubernetesPublishingOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new KubernetesPublishingOptions(
            ApiImage: NonEmpty(section["ApiImage"]) ?? DefaultApiImage,
            MarketFeedImage: NonEmpty(section["MarketFeedImage"]) ?? DefaultMarketFeedImage,
            IncludeSimulators: bool.TryParse(section["IncludeSimulators"], out var include) && include,
            ProviderUrls: section.GetSection("ProviderUrls").GetChildren()
                .Where(child => NonEmpty(child.Value) is not null)
                .ToDictionary(child => child.Key, child => child.Value!, StringComparer.Ordinal));
    }

    /// <summary>Base URL of a market-data provider outside the cluster: <c>NexusTrade:Kubernetes:ProviderUrls:&lt;name&gt;</c>.</summary>
    public string ProviderUrl(string provider) => ProviderUrls.GetValueOrDefault(provider, DefaultProviderUrl);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
