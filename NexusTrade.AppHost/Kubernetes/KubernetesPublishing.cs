using Aspire.Hosting.Pipelines;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.AppHost.Kubernetes.Components;

namespace NexusTrade.AppHost.Kubernetes;

public static class KubernetesPublishing
{
    public const string StepName = "kubernetes-manifests";

    private delegate IEnumerable<IKubernetesObject<V1ObjectMeta>> ComponentBuilder(ComponentSpec spec, PublishContext context);

    /// <summary>How each resource of the app model is deployed. A resource missing here fails the publish: nothing is left out silently.</summary>
    private static readonly Dictionary<string, ComponentBuilder> Components = new(StringComparer.Ordinal)
    {
        ["api"] = ApplicationManifests.Api,
        ["redis"] = ApplicationManifests.Redis,
        ["marketfeed-primary"] = ApplicationManifests.Simulator,
        ["marketfeed-secondary"] = ApplicationManifests.Simulator,
        ["alert-inbox"] = ApplicationManifests.Simulator,
        ["prometheus"] = PrometheusManifests.Build,
        ["alertmanager"] = AlertmanagerManifests.Build,
        ["grafana"] = GrafanaManifests.Build,
        ["node-exporter"] = ExporterManifests.NodeExporter,
        ["redis-exporter"] = ExporterManifests.RedisExporter,
    };

    /// <summary>
    /// Adds a publish step that writes Kubernetes manifests and a kustomization.yaml into the publish output directory
    /// (<c>aspire publish -o DIR</c>, or <c>--operation publish --step publish --output-path DIR</c>).
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesManifests(this IDistributedApplicationBuilder builder)
    {
        builder.Pipeline.AddStep(StepName, context => PublishAsync(builder, context), requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    private static async Task PublishAsync(IDistributedApplicationBuilder builder, PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var specs = await AppModelReader.ReadAsync(context.Model, context.ExecutionContext, context.CancellationToken);
        var publish = new PublishContext(specs, KubernetesPublishingOptions.From(builder.Configuration), StackRuntime.Resolve(builder), context.Logger);

        var components = BuildComponents(publish);
        var placeholders = ManifestSet.Complete(components);
        var files = await ManifestWriter.WriteAsync(output, components, placeholders, context.CancellationToken);

        context.Logger.LogInformation("Kubernetes manifests: {Count} files in {Output} ({Objects} objects, {Secrets} placeholder Secrets to fill in).",
            files.Count, output, components.Sum(c => c.Objects.Count), placeholders.Count);
        context.Summary.Add("Kubernetes manifests", output);
    }

    public static IReadOnlyList<ComponentManifests> BuildComponents(PublishContext context)
    {
        var components = new List<ComponentManifests> { new("namespaces", "", [.. Topology.Namespaces()]) };
        foreach (var spec in context.Specs.Values)
        {
            if (!context.IsDeployed(spec.Name)) continue;
            var build = Components.GetValueOrDefault(spec.Name)
                ?? throw new InvalidOperationException($"Resource '{spec.Name}' has no Kubernetes mapping: add it to {nameof(KubernetesPublishing)}.{nameof(Components)}.");
            components.Add(new ComponentManifests(spec.Name, Topology.NamespaceOf(spec.Name), [.. build(spec, context)]));
        }
        components.Add(new ComponentManifests(Topology.KubeStateMetrics, Topology.NamespaceOf(Topology.KubeStateMetrics), [.. ExporterManifests.KubeStateMetrics()]));
        components.AddRange(Topology.Namespaces().Select(ns =>
            new ComponentManifests("default-deny-ingress", ns.Metadata.Name, [NetworkPolicies.DefaultDenyIngress(ns.Metadata.Name)])));
        return components;
    }
}
