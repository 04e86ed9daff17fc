using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class RedisExporterComponent
{
    /// <summary>Redis server metrics: memory, commands, clients, evictions.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddRedisExporter(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<IResourceWithConnectionString> redis, IResourceBuilder<ParameterResource> redisPassword)
    {
        var endpoint = ((IResourceWithEndpoints)redis.Resource).GetEndpoint(RedisWorkload.Endpoint);
        if (!runtime.IsHost)
        {
            // Redis's address on the container network (in the cluster: its Service).
            return builder.AddPinnedContainer(name, runtime.Image(ContainerImages.RedisExporter), 9121)
                .WithEnvironment("REDIS_ADDR", ReferenceExpression.Create($"redis://{endpoint.Property(EndpointProperty.HostAndPort)}"))
                .WithRedisExporterSettings(redis, redisPassword);
        }

        var process = builder.AddHostProcess(name, "prometheus-redis-exporter", runtime.State(name));
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
            // 59000: the user of the redis_exporter image (built FROM scratch with USER 59000:59000).
            .PublishAsKubernetesRedisExporter(new ResourceBudget("10m", "32Mi", "100m", "128Mi"), new RuntimeUser(59000, 59000));
    }
}
