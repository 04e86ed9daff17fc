using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class AlertmanagerComponent
{
    /// <summary>
    /// Alertmanager with the repository's route tree, receivers and templates. Locally, the receivers deliver to the
    /// alert inbox (Slack webhook, PagerDuty Events API v2, SMTP and a dead-man's-switch webhook, all captured and
    /// shown by the inbox) instead of the real services: only <c>global</c> endpoints and secret files differ.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddAlertmanager(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, IResourceBuilder<ProjectResource> inbox)
    {
        var etc = runtime.State(name, "etc");
        // Validated here, at model build, so that a typo stops the AppHost with the key's name.
        var marketHours = MarketHoursProfile.Parse(builder.Configuration[MarketHoursProfile.ConfigurationKey]);
        var configFile = Path.Combine(etc, "alertmanager.yml");
        if (runtime.IsHost)
        {
            var process = builder.AddHostProcess(name, "prometheus-alertmanager", runtime.State(name));
            process.WithArgs(context =>
            {
                context.Args.Add(LocalConfigArgument(process.Resource, configFile, etc, runtime, inbox, marketHours));
                context.Args.Add($"--storage.path={runtime.State(name, "data")}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
                // No gossip port: a single local instance, and nothing listens beyond loopback.
                context.Args.Add(AlertmanagerSettings.NoClusterArg);
            });
            return process.WithLocalDelivery(runtime, inbox);
        }

        var container = builder.AddPinnedContainer(name, runtime.Image(ContainerImages.Alertmanager), 9093);
        return container
                .WithBindMount(etc, "/etc/alertmanager", isReadOnly: true)
                .WithVolume(runtime.Volume("alertmanager-data"), "/alertmanager")
                .WithArgs(LocalConfigArgument(container.Resource, "/etc/alertmanager/alertmanager.yml", etc, runtime, inbox, marketHours),
                    "--storage.path=/alertmanager", AlertmanagerSettings.NoClusterArg)
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
