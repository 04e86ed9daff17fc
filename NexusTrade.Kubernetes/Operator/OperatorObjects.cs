using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// A custom resource of the Prometheus Operator (monitoring.coreos.com), typed as far as the publisher writes it.
/// KubernetesClient has no models for them; <see cref="KubernetesYaml"/> serialises these like its own (nulls left out).
/// </summary>
public abstract class OperatorObject<TSpec> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>
{
    public const string Group = "monitoring.coreos.com";

    protected OperatorObject(string apiVersion, string kind)
    {
        ApiVersion = $"{Group}/{apiVersion}";
        Kind = kind;
    }

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = default!;
}

[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "ServiceMonitor", PluralName = "servicemonitors")]
public sealed class ServiceMonitor() : OperatorObject<ServiceMonitorSpec>("v1", "ServiceMonitor");

[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "Probe", PluralName = "probes")]
public sealed class Probe() : OperatorObject<ProbeSpec>("v1", "Probe");

[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "PrometheusRule", PluralName = "prometheusrules")]
public sealed class PrometheusRule() : OperatorObject<PrometheusRuleSpec>("v1", "PrometheusRule");

public sealed class ServiceMonitorSpec
{
    /// <summary>The Service label whose value becomes the job label (else the job is the Service's name).</summary>
    [JsonPropertyName("jobLabel")]
    public string? JobLabel { get; set; }

    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("namespaceSelector")]
    public NamespaceSelector? NamespaceSelector { get; set; }

    [JsonPropertyName("endpoints")]
    public List<MonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class NamespaceSelector
{
    [JsonPropertyName("matchNames")]
    public List<string> MatchNames { get; set; } = [];
}

public sealed class MonitorEndpoint
{
    /// <summary>The Service port's name.</summary>
    [JsonPropertyName("port")]
    public string Port { get; set; } = "";

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("scrapeTimeout")]
    public string? ScrapeTimeout { get; set; }

    [JsonPropertyName("honorLabels")]
    public bool? HonorLabels { get; set; }

    [JsonPropertyName("relabelings")]
    public List<RelabelConfig>? Relabelings { get; set; }
}

public sealed class RelabelConfig
{
    [JsonPropertyName("sourceLabels")]
    public List<string>? SourceLabels { get; set; }

    [JsonPropertyName("targetLabel")]
    public string? TargetLabel { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }
}

public sealed class ProbeSpec
{
    /// <summary>The job label of the probes' series (else probe/&lt;namespace&gt;/&lt;name&gt;).</summary>
    [JsonPropertyName("jobName")]
    public string? JobName { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("scrapeTimeout")]
    public string? ScrapeTimeout { get; set; }

    [JsonPropertyName("module")]
    public string? Module { get; set; }

    [JsonPropertyName("prober")]
    public ProberSpec Prober { get; set; } = new();

    [JsonPropertyName("targets")]
    public ProbeTargets Targets { get; set; } = new();
}

public sealed class ProberSpec
{
    /// <summary>The exporter's host:port (no scheme).</summary>
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }
}

public sealed class ProbeTargets
{
    [JsonPropertyName("staticConfig")]
    public ProbeStaticConfig StaticConfig { get; set; } = new();
}

public sealed class ProbeStaticConfig
{
    [JsonPropertyName("static")]
    public List<string> Static { get; set; } = [];

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>The groups of a rule file, as the file has them (kept untyped so that nothing of a rule is lost on the way).</summary>
public sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")]
    public List<object> Groups { get; set; } = [];
}
