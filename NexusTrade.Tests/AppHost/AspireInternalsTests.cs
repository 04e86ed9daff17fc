using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// What <see cref="AspireInternals"/> relies on, checked against the Aspire this build references: an upgrade that
/// changes it fails here, not in a container run that quietly lost a setting. (The running Redis's own view of its
/// settings: StackHealthChecks' Redis_serves_with_the_repository_settings, in host and container mode.)
/// </summary>
public sealed class AspireInternalsTests
{
    [Theory]
    [InlineData(DistributedApplicationOperation.Run)]
    [InlineData(DistributedApplicationOperation.Publish)]
    public async Task Redis_container_command_line_carries_the_settings_with_the_password_left_in_the_environment(DistributedApplicationOperation operation)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
        [
            "--NexusTrade:Runtime=container", "--Parameters:redis-password=not-on-the-command-line",
            $"--NexusTrade:StateDirectory={Path.Combine(Path.GetTempPath(), "nexustrade-internals-" + Guid.NewGuid().ToString("N")[..8])}",
        ]);
        var redis = Assert.IsAssignableFrom<ContainerResource>(builder.Resources.Single(r => r.Name == RedisComponent.Component.Name));

        var result = await ExecutionConfigurationBuilder.Create(redis).WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), NullLogger.Instance, CancellationToken.None);

        Assert.Null(result.Exception);
        var commandLine = string.Join(' ', result.Arguments.Select(a => a.Value));
        Assert.Equal("/bin/sh", redis.Entrypoint);
        Assert.Contains("redis-server --requirepass $REDIS_PASSWORD", commandLine);
        Assert.EndsWith(" " + RedisSettings.Default.ServerFlags(), commandLine);
        Assert.DoesNotContain("not-on-the-command-line", commandLine);
    }
}
