using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class AlertmanagerComponent
{
    public static readonly InfrastructureComponent Component = new("alertmanager")
    {
        PinnedImage = "quay.io/prometheus/alertmanager:v0.27.0",
        Host = new("prometheus-alertmanager", "prometheus-alertmanager", "amtool"),
        User = RuntimeUser.Nobody,
        Port = 9093,
        Budget = new("20m", "64Mi", "200m", "256Mi"),
    };

    /// <summary>
    /// How long a member waits for the members before it in the cluster to notify before it notifies itself (it waits
    /// its position times this). Alertmanager's 15 s default is longer than the local group interval
    /// (<see cref="AlertmanagerLocalProfile.MaxGroupInterval"/>): a member would still send a "firing" that another
    /// member had already resolved. On loopback, gossip takes milliseconds.
    /// </summary>
    public static readonly TimeSpan LocalPeerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The web configuration as the container sees it (outside /etc/alertmanager, the mount of the rendered config).</summary>
    private const string ContainerWebConfig = $"/etc/alertmanager-login/{MonitoringLogin.WebConfigKey}";

    /// <summary>
    /// Alertmanager with the repository's route tree, receivers and templates; <paramref name="replicas"/> above one
    /// (host mode) form a gossip cluster on loopback that shares silences and the notification log, so that the cluster
    /// notifies once. Locally, the receivers deliver to the alert inbox (Slack webhook, PagerDuty Events API v2, SMTP
    /// and a dead-man's-switch webhook, all captured and shown by the inbox) instead of the real services: only
    /// <c>global</c> endpoints and secret files differ.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddAlertmanagers(this IDistributedApplicationBuilder builder,
        StackRuntime runtime, int replicas, IResourceBuilder<ProjectResource> inbox, IResourceBuilder<ParameterResource> loginPassword)
    {
        var marketHours = runtime.Settings.MarketHours;
        if (!runtime.IsHost) return [builder.AddAlertmanagerContainer(runtime, inbox, marketHours, loginPassword)];

        var members = LocalTopology.ReplicaNames(Component.Name, replicas)
            .Select(member => builder.AddComponentProcess(Component, runtime, member))
            .ToList();
        foreach (var member in members)
        {
            var memberName = member.Resource.Name;
            var etc = runtime.State(memberName, "etc");
            var login = LocalMonitoringLogin.For(runtime, memberName);
            var peers = members.Where(peer => peer != member).ToList();
            if (peers.Count > 0) member.WithEndpoint(name: EndpointNames.Gossip, scheme: "tcp", isProxied: false);
            member.WithArgs(context =>
            {
                context.Args.Add(LocalConfigArgument(member.Resource, Path.Combine(etc, "alertmanager.yml"), etc, runtime, inbox, marketHours));
                context.Args.Add(LocalMonitoringLogin.WebConfigArgument(loginPassword, login, login.WebConfig, runtime));
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
                var gossip = member.LoopbackListenAddress(EndpointNames.Gossip);
                context.Args.Add(ReferenceExpression.Create($"--cluster.listen-address={gossip}"));
                context.Args.Add(ReferenceExpression.Create($"--cluster.advertise-address={gossip}"));
                foreach (var peer in peers) context.Args.Add(ReferenceExpression.Create($"--cluster.peer={peer.LoopbackListenAddress(EndpointNames.Gossip)}"));
                context.Args.Add($"--cluster.peer-timeout={(int)LocalPeerTimeout.TotalSeconds}s");
            });
            member.WithLocalDelivery(runtime, inbox, loginPassword);
        }
        return members;
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddAlertmanagerContainer(this IDistributedApplicationBuilder builder,
        StackRuntime runtime, IResourceBuilder<ProjectResource> inbox, MarketHours marketHours, IResourceBuilder<ParameterResource> loginPassword)
    {
        var container = builder.AddComponentContainer(Component, runtime);
        var etc = runtime.State(Component.Name, "etc");
        var login = LocalMonitoringLogin.For(runtime, Component.Name);
        // A file must be there when the mount is declared (Docker would create a directory); it is written before the container starts.
        if (!File.Exists(login.WebConfig)) File.WriteAllText(login.WebConfig, "");
        return container
                .WithBindMount(etc, "/etc/alertmanager", isReadOnly: true)
                .WithBindMount(login.WebConfig, ContainerWebConfig, isReadOnly: true)
                .WithVolume(runtime.Volume($"{Component.Name}-data"), "/alertmanager")
                .WithArgs(LocalConfigArgument(container.Resource, "/etc/alertmanager/alertmanager.yml", etc, runtime, inbox, marketHours),
                    LocalMonitoringLogin.WebConfigArgument(loginPassword, login, ContainerWebConfig, runtime),
                    "--storage.path=/alertmanager", AlertmanagerSettings.MaintenanceIntervalArg, AlertmanagerSettings.NoClusterArg)
                .WithLocalDelivery(runtime, inbox, loginPassword);
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
        }, [inbox.GetEndpoint(EndpointNames.Http), inbox.GetEndpoint(EndpointNames.Smtp)]);

    private static IResourceBuilder<T> WithLocalDelivery<T>(this IResourceBuilder<T> alertmanager, StackRuntime runtime,
        IResourceBuilder<ProjectResource> inbox, IResourceBuilder<ParameterResource> loginPassword) where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        inbox.WithKubernetesClient(alertmanager);
        // Only the inbox's address goes into the config, and Alertmanager retries a delivery that fails: it need not
        // wait for the inbox to be healthy (a wait that would delay every resource behind it by a health-check period).
        // Every path, the alert and silence APIs included, asks for the monitoring login.
        return alertmanager.WithMonitoringLogin(loginPassword).WithReadinessCheck("/-/ready").WaitForStart(inbox)
            .PublishAsKubernetesAlertmanager(runtime.PrometheusDirectory, Component.Budget, Component.User);
    }
}
