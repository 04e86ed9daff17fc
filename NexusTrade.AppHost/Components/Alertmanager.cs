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
                context.Args.Add($"--config.file={configFile}");
                context.Args.Add($"--storage.path={runtime.State(name, "data")}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
                // No gossip port: a single local instance, and nothing listens beyond loopback.
                context.Args.Add(AlertmanagerSettings.NoClusterArg);
            });
            return process.WithLocalDelivery(runtime, etc, inbox, marketHours);
        }

        return builder.AddPinnedContainer(name, ContainerImages.Alertmanager, 9093)
                .WithBindMount(etc, "/etc/alertmanager", isReadOnly: true)
                .WithVolume("nexustrade-alertmanager-data", "/alertmanager")
                .WithArgs("--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", AlertmanagerSettings.NoClusterArg)
                .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
                .WithLocalDelivery(runtime, etc, inbox, marketHours);
    }

    private static IResourceBuilder<T> WithLocalDelivery<T>(this IResourceBuilder<T> alertmanager, StackRuntime runtime, string etc,
        IResourceBuilder<ProjectResource> inbox, MarketHours marketHours) where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        alertmanager.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(alertmanager.Resource, async (_, cancellationToken) =>
        {
            var delivery = AlertmanagerLocalProfile.ForInbox(inbox.Resource, runtime, marketHours);
            await AlertmanagerLocalProfile.WriteAsync(Path.Combine(runtime.PrometheusDirectory, "alertmanager.yml"), etc, runtime, delivery, cancellationToken);
        });
        inbox.WithKubernetesClient(alertmanager);
        // Only the inbox's address goes into the config, and Alertmanager retries a delivery that fails: it need not
        // wait for the inbox to be healthy (a wait that would delay every resource behind it by a health-check period).
        return alertmanager.WithHttpHealthCheck("/-/ready").WaitForStart(inbox)
            .PublishAsKubernetesAlertmanager(runtime.PrometheusDirectory, new ResourceBudget("20m", "64Mi", "200m", "256Mi"), RuntimeUser.Nobody);
    }
}
