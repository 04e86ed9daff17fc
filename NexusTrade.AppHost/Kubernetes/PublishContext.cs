using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>Everything a component needs to describe itself: the model, the options and the repository's config files.</summary>
public sealed class PublishContext(IReadOnlyDictionary<string, ComponentSpec> specs, KubernetesPublishingOptions options, StackRuntime runtime, ILogger logger)
{
    public KubernetesPublishingOptions Options => options;

    public ILogger Logger => logger;

    public IReadOnlyDictionary<string, ComponentSpec> Specs => specs;

    /// <summary>prometheus/ and grafana/ of the repository (StackRuntime.ConfigRoot): the same files as the local stack.</summary>
    public string PrometheusDirectory => runtime.PrometheusDirectory;

    public string GrafanaDirectory => runtime.GrafanaDirectory;

    /// <summary>True when the resource exists in the model and is part of this publish (simulators only on request).</summary>
    public bool IsDeployed(string resource) =>
        specs.ContainsKey(resource) && (options.IncludeSimulators || !Topology.Simulators.Contains(resource));

    public Identity Identity(string resource, string component) => new(resource, Topology.NamespaceOf(resource), component);
}

/// <summary>The objects of one component, written together into <c>&lt;namespace&gt;/&lt;name&gt;.yaml</c>.</summary>
public sealed record ComponentManifests(string Name, string Namespace, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects);
