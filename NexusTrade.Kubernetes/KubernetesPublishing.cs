using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NexusTrade.Kubernetes;

public static class KubernetesPublishing
{
    public const string StepName = "kubernetes-manifests";

    /// <summary>The components only the cluster runs (not in the app model), for the component catalogue.</summary>
    public static IReadOnlyList<InfrastructureComponent> ClusterOnlyComponents { get; } = [KubeStateMetricsWorkload.Component];

    /// <summary>
    /// Adds a publish step that writes Kubernetes manifests and a kustomization.yaml into the publish output directory
    /// (<c>aspire publish -o DIR</c>, or <c>--operation publish --step publish --output-path DIR</c>). Each resource
    /// says how it is deployed with its <c>PublishAsKubernetes…</c> annotation.
    /// </summary>
    /// <param name="images">The image overrides the app model was built with (NexusTrade:Images), for the images the model does not hold.</param>
    public static IDistributedApplicationBuilder AddKubernetesManifests(this IDistributedApplicationBuilder builder, ContainerImageOverrides images)
    {
        // Validated at start-up: a failing publish step alone still lets the AppHost exit with 0.
        KubernetesPublishingOptions.From(builder.Configuration, images);
        // Container mode runs the offline images locally; a cluster cannot (only publishing refuses them).
        if (builder.ExecutionContext.IsPublishMode) KubernetesPublishingOptions.RefuseOfflineImages(images);
        builder.Pipeline.AddStep(StepName, context => PublishAsync(builder, images, context), requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    private static async Task PublishAsync(IDistributedApplicationBuilder builder, ContainerImageOverrides images, PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var publish = await CreateContextAsync(context.Model, context.ExecutionContext, KubernetesPublishingOptions.From(builder.Configuration, images),
            context.Logger, context.CancellationToken);

        var components = BuildComponents(publish);
        var placeholders = ManifestSet.Complete(components, publish.Secrets);
        var files = await ManifestWriter.WriteAsync(output, components, placeholders, context.CancellationToken);

        context.Logger.LogInformation("Kubernetes manifests: {Count} files in {Output} ({Objects} objects, {Secrets} placeholder Secrets to fill in).",
            files.Count, output, components.Sum(c => c.Objects.Count), placeholders.Count);
        context.Summary.Add("Kubernetes manifests", output);
    }

    public static async Task<PublishContext> CreateContextAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
        KubernetesPublishingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var specs = await AppModelReader.ReadAsync(model, executionContext, cancellationToken);
        return new PublishContext(specs, options, SecretCatalog.From(model), logger);
    }

    /// <summary>
    /// The namespaces, each deployed resource's objects and its companions, in operator mode what the operator gets in
    /// place of the monitoring stack, and each namespace's default-deny policy. The operator's namespace
    /// (Operator:Namespace) is the chart's: neither written nor denied by default (its Grafana and Prometheus need their traffic).
    /// </summary>
    public static IReadOnlyList<ComponentManifests> BuildComponents(PublishContext context)
    {
        var owned = ClusterTopology.Namespaces().Where(ns => !IsOperatorNamespace(context, ns.Metadata.Name)).ToList();
        var components = new List<ComponentManifests> { new("namespaces", "", [.. owned]) };
        var deployed = context.Specs.Where(spec => context.IsDeployed(spec.Resource)).ToList();
        foreach (var spec in deployed)
        {
            components.Add(new ComponentManifests(spec.Name, spec.Deployment.Namespace, [.. spec.Deployment.Factory(spec, context)]));
        }
        // Parts only the cluster has (kube-state-metrics), written after the model's components.
        foreach (var spec in deployed)
        {
            foreach (var companion in spec.Deployment.Companions)
            {
                components.Add(new ComponentManifests(companion.Name, spec.Deployment.Namespace, [.. companion.Factory(spec, context)]));
            }
        }
        // Operator mode: a file per replaced component and namespace (the dashboards and Alertmanager config live in the operator's).
        foreach (var spec in context.Specs.Where(context.IsReplacedByOperator))
        {
            foreach (var objects in spec.Deployment.OperatorReplacement!(spec, context).GroupBy(o => o.Metadata.NamespaceProperty))
            {
                components.Add(new ComponentManifests($"{spec.Name}-operator", objects.Key, [.. objects]));
            }
        }
        components.AddRange(owned.Select(ns =>
            new ComponentManifests("default-deny-ingress", ns.Metadata.Name, [NetworkPolicies.DefaultDenyIngress(ns.Metadata.Name)])));
        return components;
    }

    private static bool IsOperatorNamespace(PublishContext context, string ns) =>
        context.Options.Monitoring == MonitoringMode.Operator && ns == context.Options.Operator.Namespace;
}
