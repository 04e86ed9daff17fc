using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

/// <summary>Redis as a host process: <c>redis-server</c> with its password in a config file (never on the command line).</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public EndpointReference PrimaryEndpoint => new(this, EndpointNames.Tcp);

    public ParameterResource Password => password;

    // 127.0.0.1, not localhost: the server listens on IPv4 loopback only.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={Password}");
}

public static class RedisComponent
{
    public static readonly InfrastructureComponent Component = new("redis")
    {
        PinnedImage = "docker.io/library/redis:7.4.2",
        Host = new("redis-server", "redis-server"),
        // The redis user of the official image.
        User = new(999, 999),
        Port = 6379,
        // maxmemory plus room for the AOF rewrite buffers and the process itself.
        Budget = new("50m", "320Mi", "500m", "384Mi"),
    };

    /// <summary>The quote cache: Redis with a password, persistence, and a bounded memory (LRU eviction), per <see cref="RedisSettings"/>.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddQuoteCacheRedis(this IDistributedApplicationBuilder builder,
        StackRuntime runtime, IResourceBuilder<ParameterResource> password)
    {
        var settings = RedisSettings.Default;
        var name = Component.Name;
        var redis = runtime.IsHost ? builder.AddHostRedis(name, runtime, password, settings) : builder.AddContainerRedis(name, runtime, password, settings);
        return redis.PublishAsKubernetesRedis(settings, Component.Budget, Component.User);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddContainerRedis(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<ParameterResource> password, RedisSettings settings)
    {
        var image = runtime.Image(Component.Image);
        return builder.AddRedis(name, port: null, password: password)
            .WithImageRegistry(null)
            .WithImage(image.Image, image.Tag)
            .WithDataVolume(runtime.Volume($"{name}-data"))
            .WithRedisServerFlags(settings.ServerFlags());
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddHostRedis(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<ParameterResource> password, RedisSettings settings)
    {
        var dataDirectory = runtime.State(name);
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        var redis = new RedisServerResource(name, StackRuntime.RequireBinary(Component.Host!.Binary), dataDirectory, password.Resource);

        // Healthy only when AUTH and PING succeed (a listening port is not enough): the Redis health check of
        // AspNetCore.HealthChecks.Redis, on the connection string, which carries the password in-process only.
        string? connectionString = null;
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Redis has no connection string yet."), name: healthCheck);

        var resource = builder.AddResource(redis)
            .WithEndpoint(EndpointNames.Tcp, endpoint => endpoint.IsProxied = false)
            .WithArgs(configFile)
            .WithHealthCheck(healthCheck);

        // The port is known only once endpoints are allocated, so the config file is written just before start.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
        {
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var secret = await password.Resource.GetValueAsync(cancellationToken);
            string[] config =
            [
                "bind 127.0.0.1",
                $"port {redis.PrimaryEndpoint.Port}",
                "protected-mode yes",
                $"dir {dataDirectory}",
                .. settings.ConfigLines(),
                $"requirepass \"{secret}\"",
            ];
            await File.WriteAllTextAsync(configFile, string.Join('\n', config) + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });
        return resource;
    }
}
