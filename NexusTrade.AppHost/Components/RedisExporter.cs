using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class RedisExporterComponent
{
    // 59000: the user of the redis_exporter image (built FROM scratch with USER 59000:59000).
    public static readonly InfrastructureComponent Component = new("redis-exporter")
    {
        PinnedImage = "docker.io/oliver006/redis_exporter:v1.67.0",
        Host = new("prometheus-redis-exporter", "prometheus-redis-exporter"),
        User = new(59000, 59000),
        Port = 9121,
        Budget = new("10m", "32Mi", "100m", "128Mi"),
    };

    /// <summary>Redis server metrics: memory, commands, clients, evictions.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddRedisExporter(this IDistributedApplicationBuilder builder,
        StackRuntime runtime, IResourceBuilder<IResourceWithConnectionString> redis, IResourceBuilder<ParameterResource> redisPassword)
    {
        var endpoint = ((IResourceWithEndpoints)redis.Resource).GetEndpoint(EndpointNames.Tcp);
        if (!runtime.IsHost)
        {
            // Redis's address on the container network (in the cluster: its Service).
            return builder.AddComponentContainer(Component, runtime)
                .WithEnvironment("REDIS_ADDR", ReferenceExpression.Create($"redis://{endpoint.Property(EndpointProperty.HostAndPort)}"))
                .WithRedisExporterSettings(redis, redisPassword);
        }

        var process = builder.AddComponentProcess(Component, runtime);
        return process
            .WithArgs(context =>
            {
                context.Args.Add("-web.listen-address");
                context.Args.Add(process.LoopbackListenAddress());
                context.Args.Add("-redis.addr");
                context.Args.Add(ReferenceExpression.Create($"redis://127.0.0.1:{endpoint.Property(EndpointProperty.Port)}"));
            })
            .WithRedisExporterSettings(redis, redisPassword);
    }

    private static IResourceBuilder<T> WithRedisExporterSettings<T>(this IResourceBuilder<T> exporter, IResourceBuilder<IResourceWithConnectionString> redis,
        IResourceBuilder<ParameterResource> redisPassword) where T : IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithWaitSupport
    {
        redis.WithKubernetesClient(exporter);
        return exporter
            // The password travels in the environment, not on the command line.
            .WithEnvironment("REDIS_PASSWORD", redisPassword)
            .WithHttpHealthCheck("/health")
            .WaitFor(redis)
            .PublishAsKubernetesRedisExporter(Component.Budget, Component.User);
    }
}
