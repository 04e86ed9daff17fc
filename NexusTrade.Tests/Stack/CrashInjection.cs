using System.Globalization;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Crashes, not stops: a resource killed with SIGKILL (host process or project: its PID from the resource snapshot)
/// or <c>docker kill --signal KILL</c> (container: its ID from the snapshot), as the kernel's OOM killer or a lost node
/// would end it. Nothing runs at exit: no snapshot, no flush, no goodbye to peers. Restart with
/// <see cref="StackFixture.StartAsync"/>.
/// </summary>
public static class CrashInjection
{
    // Aspire's KnownProperties.Executable.Pid and KnownProperties.Container.Id (snapshot property names).
    private const string PidProperty = "executable.pid";
    private const string ContainerIdProperty = "container.id";

    /// <summary>Kills the resource's process or container with SIGKILL and waits until DCP has seen it exit.</summary>
    public static async Task KillAsync(this StackFixture stack, string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var running = await stack.App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == "Running", timeout.Token);
        string? Property(string name) => running.Snapshot.Properties.Where(p => p.Name == name)
            .Select(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var (tool, args) = Property(ContainerIdProperty) is { } containerId
            ? ("docker", new[] { "kill", "--signal", "KILL", containerId })
            : ("kill", new[] { "-KILL", Property(PidProperty) ?? throw new InvalidOperationException($"{resource} has no PID in its snapshot") });
        var (exitCode, output) = await ToolRunner.RunAsync(tool, args, TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', args)}: {output}");
        await stack.App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
    }
}
