using Microsoft.Extensions.Configuration;

namespace NexusTrade.Kubernetes;

/// <summary>What the Kubernetes publisher cannot read from the app model: images of the .NET projects, external URLs and the optional parts.</summary>
public sealed record KubernetesPublishingOptions(
    IReadOnlyDictionary<string, string> ProjectImages,
    bool IncludeSimulators,
    IReadOnlyDictionary<string, string> ProviderUrls,
    ContainerImageOverrides Images,
    IReadOnlyList<string> TrustedProxyNetworks)
{
    public const string Section = "NexusTrade:Kubernetes";

    /// <summary>
    /// Where the proxies whose X-Forwarded-For the API believes live (the ingress controller's pods): by default the pod
    /// network of kind and of kubeadm with Flannel. Other clusters set <c>NexusTrade:Kubernetes:TrustedProxyNetworks</c>
    /// (comma-separated CIDRs; k3s: 10.42.0.0/16).
    /// </summary>
    public const string DefaultTrustedProxyNetwork = "10.244.0.0/16";

    /// <summary>The vendor API the providers call when the simulators are not deployed (Finnhub wire format).</summary>
    public const string DefaultProviderUrl = "https://finnhub.io";

    private static readonly ProjectImage[] KnownImages = [ProjectImage.Api, ProjectImage.MarketFeed, ProjectImage.AlertInbox];

    /// <summary>
    /// Where people reach Prometheus (<c>PrometheusExternalUrl</c>): the links in alerts (graph, source) point there;
    /// unset, they point at its Service.
    /// </summary>
    public Uri? PrometheusExternalUrl { get; init; }

    /// <summary>Where people reach Alertmanager (<c>AlertmanagerExternalUrl</c>): the silence links of notifications.</summary>
    public Uri? AlertmanagerExternalUrl { get; init; }

    /// <summary>Where people reach Grafana (<c>GrafanaExternalUrl</c>): the dashboard links of notifications; unset, its Service.</summary>
    public Uri? GrafanaExternalUrl { get; init; }

    /// <summary>Optional remote_write of both Prometheus replicas (<c>RemoteWrite:Url</c>, <c>RemoteWrite:BasicAuthSecret</c>).</summary>
    public RemoteWriteTarget? RemoteWrite { get; init; }

    /// <param name="images">NexusTrade:Images as the app model was built with it (its containers already carry their images).</param>
    public static KubernetesPublishingOptions From(IConfiguration configuration, ContainerImageOverrides? images = null)
    {
        var section = configuration.GetSection(Section);
        return new KubernetesPublishingOptions(
            ProjectImages: KnownImages.ToDictionary(image => image.SettingKey, image => NonEmpty(section[image.SettingKey]) ?? image.Default.Reference),
            IncludeSimulators: bool.TryParse(section["IncludeSimulators"], out var include) && include,
            ProviderUrls: section.GetSection("ProviderUrls").GetChildren()
                .Where(child => NonEmpty(child.Value) is not null)
                .ToDictionary(child => child.Key, child => child.Value!, StringComparer.Ordinal),
            Images: images ?? ContainerImageOverrides.None,
            TrustedProxyNetworks: Networks(section["TrustedProxyNetworks"] ?? DefaultTrustedProxyNetwork))
        {
            PrometheusExternalUrl = PublishedEndpoints.AbsoluteHttpUrl(section, "PrometheusExternalUrl", Section),
            AlertmanagerExternalUrl = PublishedEndpoints.AbsoluteHttpUrl(section, "AlertmanagerExternalUrl", Section),
            GrafanaExternalUrl = PublishedEndpoints.AbsoluteHttpUrl(section, "GrafanaExternalUrl", Section),
            RemoteWrite = PublishedEndpoints.RemoteWrite(section),
        };
    }

    private static List<string> Networks(string value)
    {
        var networks = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var network in networks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            throw new InvalidOperationException($"{Section}:TrustedProxyNetworks: '{network}' is not a network in CIDR notation such as {DefaultTrustedProxyNetwork}.");
        }
        return networks;
    }

    /// <summary><c>NexusTrade:Kubernetes:&lt;SettingKey&gt;</c> (ApiImage, MarketFeedImage, AlertInboxImage), else the pinned default.</summary>
    public string ImageOf(ProjectImage image) => ProjectImages.GetValueOrDefault(image.SettingKey) ?? image.Default.Reference;

    /// <summary>Base URL of a market-data provider outside the cluster: <c>NexusTrade:Kubernetes:ProviderUrls:&lt;name&gt;</c>.</summary>
    public string ProviderUrl(string provider) => ProviderUrls.GetValueOrDefault(provider, DefaultProviderUrl);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
