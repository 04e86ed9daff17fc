using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// What every .NET project of the stack has in common in the cluster: Kestrel on 8080 and on the management port 9464,
/// where alone /metrics answers and only Prometheus may connect; peers through Services.
/// </summary>
public static class DotNetProject
{
    public const string MetricsPortName = "metrics";

    /// <summary>The management port (ServiceDefaults' Metrics:Port): the OpenTelemetry Prometheus exporter's usual 9464.</summary>
    public const int MetricsPort = 9464;

    public static V1ContainerPort MetricsContainerPort() => ManifestBuilder.Port(MetricsPortName, MetricsPort);

    /// <summary>
    /// The model's environment of a .NET project, listening on <see cref="ComponentSpec.DotNetHttpPort"/>. What only
    /// the local run needs is left out: its port assignments (HTTP_PORTS, a variable holding one of its own endpoints'
    /// ports) and the addresses Aspire injects for each reference (services__*, and <c>&lt;NAME&gt;_*</c> such as
    /// REDIS_HOST or MARKETFEED_PRIMARY_HTTP). In the cluster Kestrel listens on 8080, and peers are reached through
    /// the project's own settings and connection strings, translated to the peers' Services.
    /// </summary>
    public static EnvironmentBuilder Environment(ComponentSpec spec, PublishContext context)
    {
        var referencePrefixes = spec.Resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name.ToUpperInvariant().Replace('-', '_') + "_")
            .ToList();
        return EnvironmentBuilder.FromModel(spec, context, (name, value) =>
                name is "HTTP_PORTS" or "HTTPS_PORTS" or "ASPNETCORE_URLS"
                || name.StartsWith("services__", StringComparison.Ordinal)
                || referencePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))
                || value is EndpointReferenceExpression { Endpoint.Resource: var owner } && owner == spec.Resource)
            .Set("ASPNETCORE_HTTP_PORTS", string.Create(CultureInfo.InvariantCulture, $"{ComponentSpec.DotNetHttpPort};{MetricsPort}"))
            .Set("Metrics__Port", MetricsPort.ToString(CultureInfo.InvariantCulture))
            .WithOtlpExport(spec, context);
    }

    /// <summary>
    /// With <c>NexusTrade:Kubernetes:Otlp:Endpoint</c>: the OpenTelemetry SDK's standard variables, which
    /// ServiceDefaults reads (it exports traces, logs and metrics once OTEL_EXPORTER_OTLP_ENDPOINT is set). The resource
    /// names the service, its namespace and the pod (from the pod's own metadata, defined before they are used).
    /// </summary>
    private static EnvironmentBuilder WithOtlpExport(this EnvironmentBuilder environment, ComponentSpec spec, PublishContext context)
    {
        if (context.Options.Otlp is not { } otlp) return environment;
        environment
            .Set("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.Endpoint.ToString())
            .Set("OTEL_EXPORTER_OTLP_PROTOCOL", otlp.Protocol)
            .Set("OTEL_SERVICE_NAME", spec.Name)
            .Set(ManifestBuilder.PodFieldEnv("K8S_NAMESPACE_NAME", "metadata.namespace"))
            .Set(ManifestBuilder.PodFieldEnv("K8S_POD_NAME", "metadata.name"))
            .Set("OTEL_RESOURCE_ATTRIBUTES", $"service.namespace={ClusterTopology.NamespaceOf(spec.Resource)},k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME)");
        if (otlp.HeadersSecret is { } secret)
        {
            environment.Set(ManifestBuilder.SecretEnv("OTEL_EXPORTER_OTLP_HEADERS", context.Secrets.Declare(new SecretKey(secret, OtlpExport.HeadersKey,
                "headers of the OTLP exporter (key=value,…; an API key of the collector, for example)"))));
        }
        return environment;
    }

    /// <summary>The project's container: its image, readiness on /health, liveness on /alive (both on <paramref name="port"/>), the management port, scratch space in /tmp.</summary>
    public static V1Container Container(ComponentSpec spec, PublishContext context, V1ContainerPort port)
    {
        var container = ManifestBuilder.HttpContainer(spec, Image(spec, context), port, "/health", "/alive");
        container.Ports = [port, MetricsContainerPort()];
        container.VolumeMounts = [ManifestBuilder.Mount(ManifestBuilder.TempVolume, "/tmp", readOnly: false)];
        return container;
    }

    /// <summary>
    /// The project's Service (<paramref name="port"/> and the management port) and its NetworkPolicies: its clients on
    /// <paramref name="port"/>, Prometheus alone on the management port.
    /// </summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Network(ComponentSpec spec, PublishContext context, V1ContainerPort port,
        IDictionary<string, string>? serviceAnnotations = null) =>
    [
        ManifestBuilder.Service(PublishContext.Identity(spec), [port, MetricsContainerPort()], annotations: serviceAnnotations),
        NetworkPolicies.ForClients(spec, context, [port]),
        NetworkPolicies.ForScrapers(spec, context, [MetricsContainerPort()]),
    ];

    /// <summary>The image of the project: its annotation's setting (ApiImage, MarketFeedImage, AlertInboxImage) or the pinned default.</summary>
    public static string Image(ComponentSpec spec, PublishContext context) => context.Options.ImageOf(spec.Deployment.Image
        ?? throw new InvalidOperationException($"'{spec.Name}' is a .NET project without an image: give its PublishAsKubernetes… call a ProjectImage."));
}
