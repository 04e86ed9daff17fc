using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace NexusTrade.Kubernetes;

/// <summary>
/// <c>NexusTrade:Kubernetes:Monitoring</c>: <c>bundled</c> publishes a monitoring stack of its own (Prometheus, Grafana,
/// Alertmanager, node-exporter, kube-state-metrics); <c>operator</c> publishes for the Prometheus Operator that the
/// cluster already runs (kube-prometheus-stack): ServiceMonitors, Probes, PrometheusRules, dashboards ConfigMaps.
/// </summary>
public enum MonitoringMode
{
    Bundled,
    Operator,
}

/// <summary>
/// Where the cluster's Prometheus Operator stack runs and how it finds our objects (<c>NexusTrade:Kubernetes:Operator:…</c>).
/// </summary>
/// <param name="SelectorLabels">On every ServiceMonitor, PodMonitor, Probe, PrometheusRule and AlertmanagerConfig: what the chart's
/// Prometheus selects them by (its <c>release</c> label unless *SelectorNilUsesHelmValues is false).</param>
/// <param name="Namespace">Where the operator's Prometheus, Alertmanager and Grafana run: dashboards and the Alertmanager config go there.</param>
/// <param name="PrometheusPodLabels">The labels of the operator's Prometheus pods, admitted by our NetworkPolicies.</param>
public sealed partial record OperatorSettings(
    IReadOnlyDictionary<string, string> SelectorLabels,
    string Namespace,
    IReadOnlyDictionary<string, string> PrometheusPodLabels)
{
    public const string Section = KubernetesPublishingOptions.Section + ":Operator";

    public static readonly IReadOnlyDictionary<string, string> DefaultSelectorLabels = new Dictionary<string, string> { ["release"] = "kube-prometheus-stack" };

    /// <summary>The operator labels every Prometheus pod it runs so.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultPrometheusPodLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" };

    public static OperatorSettings Default { get; } = new(DefaultSelectorLabels, ClusterTopology.MonitoringNamespace, DefaultPrometheusPodLabels);

    public static OperatorSettings From(IConfigurationSection kubernetes)
    {
        var section = kubernetes.GetSection("Operator");
        var ns = section["Namespace"]?.Trim();
        if (string.IsNullOrEmpty(ns)) ns = Default.Namespace;
        else if (!SettingValues.IsDnsLabel(ns))
        {
            throw new InvalidOperationException($"{Section}:Namespace is '{ns}': give the namespace the operator's Prometheus and Grafana run in (a DNS label: lower-case letters, digits and '-').");
        }
        return new OperatorSettings(Labels(section, "SelectorLabels", DefaultSelectorLabels), ns, Labels(section, "PrometheusPodLabels", DefaultPrometheusPodLabels));
    }

    /// <summary>A label map (<c>&lt;Key&gt;:&lt;label&gt;=&lt;value&gt;</c>); unset, <paramref name="fallback"/>. Keys and values as Kubernetes accepts them.</summary>
    private static IReadOnlyDictionary<string, string> Labels(IConfigurationSection section, string key, IReadOnlyDictionary<string, string> fallback)
    {
        var children = section.GetSection(key).GetChildren().ToList();
        if (children.Count == 0) return fallback;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            var value = child.Value?.Trim() ?? "";
            if (!LabelKey().IsMatch(child.Key) || child.Key.Split('/')[^1].Length > 63)
            {
                throw new InvalidOperationException($"{Section}:{key}:{child.Key}: '{child.Key}' is not a label name (an optional DNS prefix and '/', then letters, digits, '-', '_' and '.').");
            }
            if (value.Length > 63 || (value.Length > 0 && !LabelValue().IsMatch(value)))
            {
                throw new InvalidOperationException($"{Section}:{key}:{child.Key} is '{value}': a label value has at most 63 letters, digits, '-', '_' and '.', beginning and ending with a letter or digit.");
            }
            labels[child.Key] = value;
        }
        return labels;
    }

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
