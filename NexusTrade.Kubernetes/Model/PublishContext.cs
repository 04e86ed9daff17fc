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
        _specs.TryGetValue(resource, out var spec) && (Options.IncludeSimulators || !spec.Deployment.IsSimulator);

    public static Identity Identity(ComponentSpec spec) => new(spec.Name, spec.Deployment.Namespace, spec.Deployment.Role);
}

/// <summary>The objects of one component, written together into <c>&lt;namespace&gt;/&lt;name&gt;.yaml</c>.</summary>
public sealed record ComponentManifests(string Name, string Namespace, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects);
