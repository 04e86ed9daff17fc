using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class AlertmanagerComponent
{
    /// <summary>The gossip endpoint of a clustered Alertmanager (TCP and UDP on one dynamic loopback port).</summary>
    public const string GossipEndpoint = "gossip";

    /// <summary>
    /// How long a member waits for the members before it in the cluster to notify before it notifies itself (it waits
    /// its position times this). Alertmanager's 15 s default is longer than the local group interval
    /// (<see cref="AlertmanagerLocalProfile.MaxGroupInterval"/>): a member would still send a "firing" that another
    /// member had already resolved. On loopback, gossip takes milliseconds.
    /// </summary>
    public static readonly TimeSpan LocalPeerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Alertmanager with the repository's route tree, receivers and templates; <paramref name="replicas"/> above one
    /// (host mode) form a gossip cluster on loopback that shares silences and the notification log, so that the cluster
    /// notifies once. Locally, the receivers deliver to the alert inbox (Slack webhook, PagerDuty Events API v2, SMTP
    /// and a dead-man's-switch webhook, all captured and shown by the inbox) instead of the real services: only
    /// <c>global</c> endpoints and secret files differ.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddAlertmanagers(this IDistributedApplicationBuilder builder,
        string name, StackRuntime runtime, int replicas, IResourceBuilder<ProjectResource> inbox)
    {
        var marketHours = runtime.Settings.MarketHours;
        if (!runtime.IsHost) return [builder.AddAlertmanagerContainer(name, runtime, inbox, marketHours)];

        var members = LocalTopology.ReplicaNames(name, replicas)
            .Select(member => builder.AddHostProcess(member, "prometheus-alertmanager", runtime.State(member)))
            .ToList();
        foreach (var member in members)
        {
            var memberName = member.Resource.Name;
            var etc = runtime.State(memberName, "etc");
            var peers = members.Where(peer => peer != member).ToList();
            if (peers.Count > 0) member.WithEndpoint(name: GossipEndpoint, scheme: "tcp", isProxied: false);
            member.WithArgs(context =>
            {
                context.Args.Add(LocalConfigArgument(member.Resource, Path.Combine(etc, "alertmanager.yml"), etc, runtime, inbox, marketHours));
                context.Args.Add($"--storage.path={runtime.State(memberName, "data")}");
                context.Args.Add(AlertmanagerSettings.MaintenanceIntervalArg);
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address={member.LoopbackListenAddress()}"));
                if (peers.Count == 0)
                {
                    // No gossip port: a single local instance, and nothing listens beyond loopback.
                    context.Args.Add(AlertmanagerSettings.NoClusterArg);
                    return;
                }
                // Loopback is not a private address to memberlist: the advertised address is given, not guessed.
                var gossip = member.LoopbackListenAddress(GossipEndpoint);
                context.Args.Add(ReferenceExpression.Create($"--cluster.listen-address={gossip}"));
                context.Args.Add(ReferenceExpression.Create($"--cluster.advertise-address={gossip}"));
                foreach (var peer in peers) context.Args.Add(ReferenceExpression.Create($"--cluster.peer={peer.LoopbackListenAddress(GossipEndpoint)}"));
                context.Args.Add($"--cluster.peer-timeout={(int)LocalPeerTimeout.TotalSeconds}s");
            });
            member.WithLocalDelivery(runtime, inbox);
        }
        return members;
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddAlertmanagerContainer(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<ProjectResource> inbox, MarketHours marketHours)
    {
        var etc = runtime.State(name, "etc");
        var container = builder.AddPinnedContainer(name, runtime.Image(ContainerImages.Alertmanager), 9093);
        return container
                .WithBindMount(etc, "/etc/alertmanager", isReadOnly: true)
                .WithVolume(runtime.Volume("alertmanager-data"), "/alertmanager")
                .WithArgs(LocalConfigArgument(container.Resource, "/etc/alertmanager/alertmanager.yml", etc, runtime, inbox, marketHours),
                    "--storage.path=/alertmanager", AlertmanagerSettings.MaintenanceIntervalArg, AlertmanagerSettings.NoClusterArg)
                .WithLocalDelivery(runtime, inbox);
    }

    /// <summary>
    /// <c>--config.file</c>; resolving it writes the local config into <paramref name="etc"/> with the inbox's addresses
    /// as DCP allocated them (through the container tunnel for a container).
    /// </summary>
    private static RenderedConfigArgument LocalConfigArgument(IResource alertmanager, string configFile, string etc, StackRuntime runtime,
        IResourceBuilder<ProjectResource> inbox, MarketHours marketHours) =>
        new($"--config.file={configFile}", async cancellationToken =>
        {
            var delivery = await AlertmanagerLocalProfile.ForInboxAsync(alertmanager, inbox.Resource, runtime, marketHours, cancellationToken);
            await AlertmanagerLocalProfile.WriteAsync(Path.Combine(runtime.PrometheusDirectory, "alertmanager.yml"), etc, runtime, delivery, cancellationToken);
        }, [inbox.GetEndpoint(StackResourceExtensions.HttpEndpoint), inbox.GetEndpoint(AlertmanagerLocalProfile.SmtpEndpoint)]);

    private static IResourceBuilder<T> WithLocalDelivery<T>(this IResourceBuilder<T> alertmanager, StackRuntime runtime,
        IResourceBuilder<ProjectResource> inbox) where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        inbox.WithKubernetesClient(alertmanager);
        // Only the inbox's address goes into the config, and Alertmanager retries a delivery that fails: it need not
        // wait for the inbox to be healthy (a wait that would delay every resource behind it by a health-check period).
        return alertmanager.WithHttpHealthCheck("/-/ready").WaitForStart(inbox)
            .PublishAsKubernetesAlertmanager(runtime.PrometheusDirectory, new ResourceBudget("20m", "64Mi", "200m", "256Mi"), RuntimeUser.Nobody);
    }
}
