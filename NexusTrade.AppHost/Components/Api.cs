using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class ApiComponent
{
    /// <summary>
    /// The market-data API: the quote cache, its providers in fail-over order, readiness on <c>/health</c>.
    /// <paramref name="replicas"/> above one run side by side on the same Redis (the cache and single-flight are
    /// shared), each on a dynamic port of its own (a launch profile's applicationUrl is one fixed port).
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddApi(this IDistributedApplicationBuilder builder, string name, int replicas,
        IResourceBuilder<IResourceWithConnectionString> cache, IResourceBuilder<ParameterResource> providerApiKey,
        params IResourceBuilder<ProjectResource>[] providers) =>
        [.. LocalTopology.ReplicaNames(name, replicas).Select(replica =>
        {
            var api = (replicas == 1 ? builder.AddProject<Projects.NexusTrade_Api>(replica).WithBuiltAssemblyLaunch()
                    : builder.AddProjectOnOwnPort<Projects.NexusTrade_Api>(replica))
                .PublishAsKubernetesApi(ProjectImage.Api, new ResourceBudget("100m", "256Mi", "1", "512Mi"))
                .WithReference(cache).WaitFor(cache)
                .WithMarketDataProviders(providerApiKey, providers)
                .WithHttpHealthCheck("/health");
            cache.WithKubernetesClient(api);
            return api;
        })];

    /// <summary>Configures the API's ordered provider list (fail-over order = argument order).</summary>
    private static IResourceBuilder<ProjectResource> WithMarketDataProviders(this IResourceBuilder<ProjectResource> api,
        IResourceBuilder<ParameterResource> apiKey, params IResourceBuilder<ProjectResource>[] providers)
    {
        for (var i = 0; i < providers.Length; i++)
        {
            var provider = providers[i];
            api.WithEnvironment($"MarketData__Providers__{i}__Name", provider.Resource.Name)
                .WithEnvironment($"MarketData__Providers__{i}__BaseUrl", provider.GetEndpoint(EndpointNames.Http))
                .WithEnvironment($"MarketData__Providers__{i}__ApiKey", apiKey)
                .WithReference(provider)
                // Started, not healthy: the chain already copes with a provider that is not answering yet (retry, fail-over).
                .WaitForStart(provider);
            provider.WithKubernetesClient(api);
        }
        return api;
    }
}
