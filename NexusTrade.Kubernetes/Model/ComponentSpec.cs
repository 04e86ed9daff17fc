using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Kubernetes;

/// <summary>A port of a resource in the cluster: the Aspire endpoint name becomes the Kubernetes port name.</summary>
public sealed record PortSpec(string Name, int? TargetPort, string Scheme);

/// <summary>
/// What the Aspire app model says about one resource, reduced to what a manifest can use: its deployment annotation,
/// the image, the ports and the environment as Aspire values. Values are kept as objects (string, ParameterResource,
/// EndpointReference, ...) so that <see cref="ValueTranslator"/> turns a secret into a secretKeyRef, never into its value.
/// </summary>
public sealed record ComponentSpec(
    IResource Resource,
    KubernetesDeploymentAnnotation Deployment,
    string? Image,
    IReadOnlyList<PortSpec> Ports,
    IReadOnlyDictionary<string, object> Environment)
{
    /// <summary>Kestrel's port in every .NET container (ASPNETCORE_HTTP_PORTS): the model's project ports are dynamic.</summary>
    public const int DotNetHttpPort = 8080;

    public string Name => Resource.Name;

    /// <summary>The port named <paramref name="name"/>, with its port in the cluster.</summary>
    public PortSpec Port(string name) => Ports.FirstOrDefault(p => p.Name == name && p.TargetPort is not null)
        ?? throw new InvalidOperationException($"Resource '{Name}' has no endpoint named '{name}' with a port in the cluster.");

    /// <summary>The endpoint's port as a container port of the same name.</summary>
    public k8s.Models.V1ContainerPort ContainerPort(string name) => ManifestBuilder.Port(name, Port(name).TargetPort!.Value);
}

public static class AppModelReader
{
    /// <summary>
    /// Reads every compute resource of the model (parameters and other value-only resources are skipped). A compute
    /// resource without a <see cref="KubernetesDeploymentAnnotation"/> fails the publish: nothing is left out silently.
    /// </summary>
    public static async Task<IReadOnlyList<ComponentSpec>> ReadAsync(DistributedApplicationModel model,
        DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var resources = model.Resources.Where(r => r is IComputeResource && !r.IsExcludedFromPublish()).ToList();
        var missing = resources.Where(r => r.KubernetesDeployment() is null).Select(r => $"'{r.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Resource {string.Join(", ", missing)} has no Kubernetes deployment: call a PublishAsKubernetes… extension where it is declared " +
                "(or ExcludeFromManifest() if it has no place in the cluster).");
        }

        var specs = new List<ComponentSpec>();
        foreach (var resource in resources)
        {
            specs.Add(await ReadAsync(resource, executionContext, cancellationToken));
        }
        return specs;
    }

    private static async Task<ComponentSpec> ReadAsync(IResource resource, DistributedApplicationExecutionContext executionContext,
        CancellationToken cancellationToken)
    {
        var image = resource.TryGetContainerImageName(out var name) ? name : null;
        var ports = resource.Annotations.OfType<EndpointAnnotation>()
            .Select(e => new PortSpec(e.Name, ClusterPort(resource, e), e.UriScheme))
            .ToList();

        var environment = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(executionContext, resource, environment, cancellationToken));
        }
        return new ComponentSpec(resource, resource.KubernetesDeployment()!, image, ports, environment);
    }

    /// <summary>A .NET project serves HTTP on <see cref="ComponentSpec.DotNetHttpPort"/> only; containers keep their target ports.</summary>
    private static int? ClusterPort(IResource resource, EndpointAnnotation endpoint) => resource switch
    {
        ProjectResource when endpoint.UriScheme == "http" => ComponentSpec.DotNetHttpPort,
        ProjectResource => null,
        _ => endpoint.TargetPort,
    };
}
