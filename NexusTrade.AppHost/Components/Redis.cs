using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Components;

/// <summary>Redis as a host process: <c>redis-server</c> with its password in a config file (never on the command line).</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string TcpEndpoint = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, TcpEndpoint);

    public ParameterResource Password => password;

    // 127.0.0.1, not localhost: the server listens on IPv4 loopback only.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={Password}");
}

public static class RedisComponent
{
    public const string ContainerImage = "docker.io/library/redis";
    public const string ContainerTag = "7.4.2";

    /// <summary>The quote cache: Redis with a password, persistence, and a bounded memory (LRU eviction).</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddQuoteCacheRedis(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<ParameterResource> password)
    {
        if (!runtime.IsHost)
        {
            return builder.AddRedis(name, password: password)
                .WithImageTag(ContainerTag)
                .WithDataVolume("nexustrade-redis-data");
        }

        var dataDirectory = runtime.State(name);
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        var redis = new RedisServerResource(name, StackRuntime.RequireBinary("redis-server", "redis-server"), dataDirectory, password.Resource);
        var resource = builder.AddResource(redis)
            .WithEndpoint(RedisServerResource.TcpEndpoint, endpoint => endpoint.IsProxied = false)
            .WithArgs(configFile)
            .WithHealthCheck(RedisPingHealthCheck.Register(builder, redis));

        // The port is known only once endpoints are allocated, so the config file is written just before start.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
        {
            var port = redis.PrimaryEndpoint.Port;
            var secret = await password.Resource.GetValueAsync(cancellationToken);
            var config = string.Join('\n',
                "bind 127.0.0.1",
                $"port {port}",
                "protected-mode yes",
                $"dir {dataDirectory}",
                "appendonly yes",
                "save 60 1000",
                "maxmemory 256mb",
                "maxmemory-policy allkeys-lru",
                $"requirepass \"{secret}\"") + "\n";
            await File.WriteAllTextAsync(configFile, config, cancellationToken);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });
        return resource;
    }
}
