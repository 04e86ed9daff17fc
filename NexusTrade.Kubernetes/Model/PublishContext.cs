using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace NexusTrade.Kubernetes;

/// <summary>Everything a workload needs to describe itself: the other components, the options, the secrets and the translator.</summary>
public sealed class PublishContext
{
    private readonly Dictionary<IResource, ComponentSpec> _specs;

    public PublishContext(IReadOnlyList<ComponentSpec> specs, KubernetesPublishingOptions options, SecretCatalog secrets, ILogger logger)
    {
        Specs = specs;
        Options = options;
        Secrets = secrets;
        Logger = logger;
        _specs = specs.ToDictionary(s => s.Resource);
        Values = new ValueTranslator(this);
    }

    public IReadOnlyList<ComponentSpec> Specs { get; }

    public KubernetesPublishingOptions Options { get; }

    public SecretCatalog Secrets { get; }

    public ILogger Logger { get; }

    public ValueTranslator Values { get; }

    public ComponentSpec SpecOf(IResource resource) => _specs.GetValueOrDefault(resource)
        ?? throw new InvalidOperationException($"'{resource.Name}' is referenced but is not a published resource of the model.");

    /// <summary>True when the resource is in the model and part of this publish (simulators only on request).</summary>
    public bool IsDeployed(IResource resource) =>
        _specs.TryGetValue(resource, out var spec) && (Options.IncludeSimulators || !spec.Deployment.IsSimulator) && !IsReplacedByOperator(spec);

    /// <summary>In operator mode, a part of the monitoring stack that the cluster's operator stack provides instead.</summary>
    public bool IsReplacedByOperator(ComponentSpec spec) =>
        Options.Monitoring == MonitoringMode.Operator && spec.Deployment.OperatorReplacement is not null;

    /// <summary>
    /// The pods of <paramref name="resource"/> as a NetworkPolicy peer: its own pods, or in operator mode, for Prometheus,
    /// the operator's Prometheus pods (Operator:Namespace and Operator:PrometheusPodLabels) that scrape in its place.
    /// </summary>
    public V1NetworkPolicyPeer PeerOf(IResource resource) =>
        _specs.TryGetValue(resource, out var spec) && IsReplacedByOperator(spec) && resource.Annotations.OfType<ScrapeTargetAnnotation>().Any()
            ? NetworkPolicies.PodsIn(Options.Operator.Namespace, Options.Operator.PrometheusPodLabels)
            : NetworkPolicies.PodsOf(resource);

    public static Identity Identity(ComponentSpec spec) => new(spec.Name, spec.Deployment.Namespace, spec.Deployment.Role);
}

/// <summary>The objects of one component, written together into <c>&lt;namespace&gt;/&lt;name&gt;.yaml</c>.</summary>
public sealed record ComponentManifests(string Name, string Namespace, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects);
