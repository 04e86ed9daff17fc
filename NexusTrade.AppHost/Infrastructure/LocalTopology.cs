using Aspire.Hosting.ApplicationModel;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// How many of each replicated component the local stack runs: one of each by default, or, with
/// <c>NexusTrade:HighAvailability=true</c>, the cluster's HA topology (<see cref="HighAvailability"/>: 2 Prometheus,
/// 3 Alertmanagers in a gossip cluster, 2 API replicas) as host processes. Publishing ignores the key: the publisher
/// writes the HA topology from the single resources.
/// </summary>
public sealed record LocalTopology(bool HighlyAvailable)
{
    public int PrometheusReplicas => HighlyAvailable ? HighAvailability.PrometheusReplicas : 1;

    public int AlertmanagerReplicas => HighlyAvailable ? HighAvailability.AlertmanagerReplicas : 1;

    public int ApiReplicas => HighlyAvailable ? HighAvailability.ApiMinReplicas : 1;

    /// <summary>HA mode when the settings ask for it and the stack runs (publishing writes the HA topology from single resources).</summary>
    public static LocalTopology Resolve(IDistributedApplicationBuilder builder, AppHostSettings settings) =>
        new(settings.HighAvailability && builder.ExecutionContext.IsRunMode);

    /// <summary>The one-line problem for <see cref="Preflight"/>: HA mode runs the real binaries as host processes only.</summary>
    public string? Problem(StackRuntime runtime) => HighlyAvailable && !runtime.IsHost
        ? $"{AppHostSettings.HighAvailabilityKey}=true runs host processes only: add --{AppHostSettings.RuntimeKey}=host (container mode is not supported in HA mode), " +
          $"or drop {AppHostSettings.HighAvailabilityKey}."
        : null;

    /// <summary>The resource names of a component's replicas: <c>name</c> alone, or <c>name-0</c>, <c>name-1</c>, … (as the StatefulSet's pods).</summary>
    public static IReadOnlyList<string> ReplicaNames(string name, int replicas) =>
        replicas == 1 ? [name] : [.. Enumerable.Range(0, replicas).Select(i => $"{name}-{i}")];
}

/// <summary>Wiring that is the same for one replica or several: every scraper scrapes every replica of a target.</summary>
public static class ReplicaWiring
{
    public static IReadOnlyList<IResourceBuilder<T>> WithScrapeTarget<T, TTarget>(this IReadOnlyList<IResourceBuilder<T>> scrapers, string job,
        IReadOnlyList<IResourceBuilder<TTarget>> targets) where T : IResourceWithEndpoints where TTarget : IResourceWithEndpoints
    {
        foreach (var scraper in scrapers)
        {
            foreach (var target in targets) scraper.WithScrapeTarget(job, target);
        }
        return scrapers;
    }

    public static IReadOnlyList<IResourceBuilder<T>> WithScrapeTarget<T, TTarget>(this IReadOnlyList<IResourceBuilder<T>> scrapers, string job,
        IResourceBuilder<TTarget> target) where T : IResourceWithEndpoints where TTarget : IResourceWithEndpoints =>
        scrapers.WithScrapeTarget(job, [target]);

    /// <summary>Scrapes one resource as the job of its own name.</summary>
    public static IReadOnlyList<IResourceBuilder<T>> WithScrapeTarget<T, TTarget>(this IReadOnlyList<IResourceBuilder<T>> scrapers,
        IResourceBuilder<TTarget> target) where T : IResourceWithEndpoints where TTarget : IResourceWithEndpoints =>
        scrapers.WithScrapeTarget(target.Resource.Name, [target]);

    /// <summary>Every scraper probes every replica of <paramref name="targets"/> through the one exporter.</summary>
    public static IReadOnlyList<IResourceBuilder<T>> WithProbe<T, TExporter, TTarget>(this IReadOnlyList<IResourceBuilder<T>> scrapers, string probe,
        IResourceBuilder<TExporter> exporter, BlackboxModule module, IReadOnlyList<IResourceBuilder<TTarget>> targets, string path)
        where T : IResourceWithEndpoints where TExporter : IResourceWithEndpoints where TTarget : IResourceWithEndpoints
    {
        foreach (var scraper in scrapers)
        {
            foreach (var target in targets) scraper.WithProbe(probe, exporter, module, target, path);
        }
        return scrapers;
    }

    /// <summary>Every member's notifications link into the same Grafana.</summary>
    public static IReadOnlyList<IResourceBuilder<T>> WithDashboardLinks<T>(this IReadOnlyList<IResourceBuilder<T>> alertmanagers,
        IResourceBuilder<IResourceWithEndpoints>? grafana) where T : IResource
    {
        foreach (var alertmanager in alertmanagers) alertmanager.WithDashboardLinks(grafana);
        return alertmanagers;
    }
}
