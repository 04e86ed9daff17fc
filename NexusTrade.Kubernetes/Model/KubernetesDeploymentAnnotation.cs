using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>Writes the objects of one component (workload, Service, config, RBAC, NetworkPolicy) from its spec.</summary>
public delegate IEnumerable<IKubernetesObject<V1ObjectMeta>> WorkloadFactory(ComponentSpec spec, PublishContext context);

/// <summary>
/// How a resource of the app model is deployed to Kubernetes: what the publisher cannot read from the model. Added by
/// the <c>PublishAsKubernetes…</c> extensions where the component is declared; a compute resource without it fails
/// the publish.
/// </summary>
public sealed class KubernetesDeploymentAnnotation(WorkloadFactory factory) : IResourceAnnotation
{
    public WorkloadFactory Factory => factory;

    /// <summary>Its role, the <c>app.kubernetes.io/component</c> label: api, cache, metrics, exporter, ...</summary>
    public required string Role { get; init; }

    /// <summary><see cref="ClusterTopology.ApplicationNamespace"/> or <see cref="ClusterTopology.MonitoringNamespace"/>.</summary>
    public required string Namespace { get; init; }

    public required ResourceBudget Budget { get; init; }

    /// <summary>The user and group the image is built to run as.</summary>
    public required RuntimeUser User { get; init; }

    /// <summary>For a .NET project: its image (the model has none), overridable by <see cref="ProjectImage.SettingKey"/>.</summary>
    public ProjectImage? Image { get; init; }

    /// <summary>A simulator: deployed only with <c>IncludeSimulators=true</c>.</summary>
    public bool IsSimulator { get; init; }

    /// <summary>Any pod of the cluster may connect (people's entry points: the API, Grafana).</summary>
    public bool OpenToCluster { get; init; }

    /// <summary>Components only the cluster has, published with this one (Prometheus: kube-state-metrics).</summary>
    public IReadOnlyList<CompanionWorkload> Companions { get; init; } = [];

    /// <summary>
    /// A part of the monitoring stack that the cluster's Prometheus Operator stack provides instead (Monitoring=operator):
    /// not deployed then, and this writes what the operator's own component needs in its place (Prometheus:
    /// ServiceMonitors, Probes and PrometheusRules; Grafana: dashboards ConfigMaps). Null: deployed in either mode.
    /// </summary>
    public WorkloadFactory? OperatorReplacement { get; init; }
}

/// <summary>A component without a resource of its own, built from its owner's spec into its own file.</summary>
public sealed record CompanionWorkload(string Name, WorkloadFactory Factory);

/// <summary>
/// A workload that may connect to the annotated resource (a NetworkPolicy peer). Declared where the client is, so
/// its own annotation may come before or after the target's.
/// </summary>
public sealed record KubernetesClientAnnotation(IResource Client) : IResourceAnnotation;

/// <summary>The image of a .NET project and the setting under NexusTrade:Kubernetes that overrides it.</summary>
public sealed record ProjectImage(string SettingKey, ContainerImage Default)
{
    // Built and pushed by the operator; each overridable per publish (KubernetesPublishingOptions).
    public static readonly ProjectImage Api = new("ApiImage", ContainerImage.Parse("api", "ghcr.io/nexustrade/api:1.0.0"));
    public static readonly ProjectImage MarketFeed = new("MarketFeedImage", ContainerImage.Parse("marketfeed", "ghcr.io/nexustrade/marketfeed:1.0.0"));
    public static readonly ProjectImage AlertInbox = new("AlertInboxImage", ContainerImage.Parse("alert-inbox", "ghcr.io/nexustrade/alert-inbox:1.0.0"));
}

/// <summary>Where a secret parameter's value lives in the cluster: one key of a Secret (never the value itself).</summary>
public sealed class KubernetesSecretAnnotation(SecretKey key) : IResourceAnnotation
{
    public SecretKey Key => key;
}
