using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Components;

public static class RedisExporterComponent
{
    /// <summary>Redis server metrics: memory, commands, clients, evictions.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddRedisExporter(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<IResourceWithConnectionString> redis, IResourceBuilder<ParameterResource> redisPassword)
    {
        if (!runtime.IsHost)
        {
            return builder.AddPinnedContainer(name, "docker.io/oliver006/redis_exporter", "v1.67.0", 9121)
                .WithEnvironment("REDIS_ADDR", $"redis://{redis.Resource.Name}:6379")
                .WithEnvironment("REDIS_PASSWORD", redisPassword)
                .WithHttpHealthCheck("/health")
                .WaitFor(redis);
        }

        var host = (RedisServerResource)redis.Resource;
        var exporter = builder.AddHostProcess(name, "prometheus-redis-exporter", "prometheus-redis-exporter", runtime.State(name));
        return exporter
            .WithArgs(context =>
            {
                context.Args.Add("-web.listen-address");
                context.Args.Add(exporter.LoopbackListenAddress());
                context.Args.Add("-redis.addr");
                context.Args.Add(ReferenceExpression.Create($"redis://127.0.0.1:{host.PrimaryEndpoint.Property(EndpointProperty.Port)}"));
            })
            // The password travels in the environment, not on the command line.
            .WithEnvironment("REDIS_PASSWORD", redisPassword)
            .WithHttpHealthCheck("/health")
            .WaitFor(redis);
    }
}
