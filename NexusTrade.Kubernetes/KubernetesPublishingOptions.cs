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

    /// <summary>The optional Ingresses of Grafana, Prometheus and Alertmanager (<c>Ingress:*</c>).</summary>
    public IngressSettings? Ingress { get; init; }

    /// <summary>The cluster's OpenTelemetry collector for the .NET workloads (<c>Otlp:*</c>); unset, they export nothing.</summary>
    public OtlpExport? Otlp { get; init; }

    /// <summary>
    /// How the API's replica count is set (<c>Autoscaling</c>): a fixed count, or an HPA on CPU, which needs the
    /// cluster's resource metrics API (metrics-server); without it the HPA cannot compute its metric and never scales.
    /// </summary>
    public ApiAutoscaling Autoscaling { get; init; } = ApiAutoscaling.Off;

    /// <summary>The StorageClass of every claim (<c>StorageClassName</c>); unset, the cluster's default class.</summary>
    public string? StorageClassName { get; init; }

    /// <summary>
    /// Whose monitoring the application gets (<c>Monitoring</c>): a stack of its own (bundled), or the cluster's Prometheus
    /// Operator (operator), found as <see cref="Operator"/> says.
    /// </summary>
    public MonitoringMode Monitoring { get; init; } = MonitoringMode.Bundled;

    /// <summary>The cluster's Prometheus Operator stack (<c>Operator:*</c>); used in operator mode only.</summary>
    public OperatorSettings Operator { get; init; } = OperatorSettings.Default;

    /// <param name="images">NexusTrade:Images as the app model was built with it (its containers already carry their images).</param>
    public static KubernetesPublishingOptions From(IConfiguration configuration, ContainerImageOverrides? images = null)
    {
        var section = configuration.GetSection(Section);
        var ingress = IngressSettings.From(section);
        if (ingress is not null && Choice(section, "Monitoring", MonitoringMode.Bundled) == MonitoringMode.Operator)
        {
            throw new InvalidOperationException($"{Section}:{IngressSettings.Section}:Hosts:* is for the bundled monitoring stack: with {Section}:Monitoring=operator " +
                                                "Grafana, Prometheus and Alertmanager are the cluster's, reached through its own ingress (set GrafanaExternalUrl for the dashboard links).");
        }
        // An ExternalUrl setting wins; else the Ingress's host; else (ExternalUrlArgs) the Service.
        Uri? ExternalUrl(string key, string component) => PublishedEndpoints.AbsoluteHttpUrl(section, key, Section) ?? ingress?.UrlOf(component);
        return new KubernetesPublishingOptions(
            ProjectImages: KnownImages.ToDictionary(image => image.SettingKey, image => NonEmpty(section[image.SettingKey]) ?? image.Default.Reference),
            IncludeSimulators: Flag(section, "IncludeSimulators"),
            ProviderUrls: section.GetSection("ProviderUrls").GetChildren()
                .Where(child => NonEmpty(child.Value) is not null)
                .ToDictionary(child => child.Key, child => child.Value!, StringComparer.Ordinal),
            Images: images ?? ContainerImageOverrides.None,
            TrustedProxyNetworks: Networks(section["TrustedProxyNetworks"] ?? DefaultTrustedProxyNetwork))
        {
            PrometheusExternalUrl = ExternalUrl("PrometheusExternalUrl", "prometheus"),
            AlertmanagerExternalUrl = ExternalUrl("AlertmanagerExternalUrl", "alertmanager"),
            GrafanaExternalUrl = ExternalUrl("GrafanaExternalUrl", "grafana"),
            Ingress = ingress,
            RemoteWrite = PublishedEndpoints.RemoteWrite(section),
            Otlp = OtlpExport.From(section),
            Autoscaling = Choice(section, "Autoscaling", ApiAutoscaling.Off),
            StorageClassName = DnsSubdomain(section, "StorageClassName"),
            Monitoring = Choice(section, "Monitoring", MonitoringMode.Bundled),
            Operator = OperatorSettings.From(section),
        };
    }

    /// <summary>The images a cluster can pull: an offline image (built from Debian packages into the local engine) cannot serve one.</summary>
    public static void RefuseOfflineImages(ContainerImageOverrides images)
    {
        foreach (var (pinned, image) in images.Overrides.Where(o => o.Image.Image.StartsWith(OfflineImagePrefix, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"{ContainerImageOverrides.Section}:{pinned.Name} is '{image.Reference}', an offline image for local container mode: it exists " +
                "only in the local container engine that scripts/build-offline-images.sh built it into (and Debian builds Prometheus " +
                $"without Kubernetes service discovery). Publish with the pinned image ({pinned.Reference}) or a mirror of it.");
        }
    }

    /// <summary>The repository prefix of the images scripts/build-offline-images.sh builds.</summary>
    public const string OfflineImagePrefix = "nexustrade-offline/";

    private static bool Flag(IConfigurationSection section, string key) => SettingValues.Flag(section, key, fallback: false);

    private static T Choice<T>(IConfigurationSection section, string key, T fallback) where T : struct, Enum => SettingValues.Choice(section, key, fallback);

    /// <summary>A Kubernetes object name (DNS-1123 subdomain), as a StorageClass's.</summary>
    private static string? DnsSubdomain(IConfigurationSection section, string key)
    {
        var value = NonEmpty(section[key]);
        if (value is null || SettingValues.IsDnsSubdomain(value))
        {
            return value;
        }
        throw new InvalidOperationException($"{Section}:{key} is '{value}': give the name of a StorageClass (lower-case letters, digits, '-' and '.'; kubectl get storageclass lists them).");
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

    private static string? NonEmpty(string? value) => SettingValues.NonEmpty(value);
}

/// <summary><c>NexusTrade:Kubernetes:Autoscaling</c>: off (a fixed replica count) or cpu (an HPA; needs metrics-server).</summary>
public enum ApiAutoscaling
{
    Off,
    Cpu,
}
