using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class GrafanaComponent
{


    /// <summary>
    /// Grafana with the repository's provisioning (datasources, dashboards). Grafana has no Debian package: in host mode
    /// it runs only when a <c>grafana</c> binary is on PATH; otherwise the AppHost says it is skipped and returns null.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? AddGrafana(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime,
        IResourceBuilder<ParameterResource> adminPassword, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> prometheusReplicas,
        IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> alertmanagerReplicas)
    {
        // In HA mode, the first replica of each: the pair holds the same series and the cluster the same silences, and
        // locally there is no Service in front of them (in the cluster Grafana reads through the Services).
        var prometheus = prometheusReplicas[0];
        var alertmanager = alertmanagerReplicas[0];
        if (!runtime.Settings.GrafanaEnabled)
        {
            return Skipped(builder, $"Grafana is skipped: {AppHostSettings.GrafanaEnabledKey}=false. Prometheus and Alertmanager run without it.");
        }
        if (runtime.IsHost)
        {
            if (StackRuntime.FindOnPath("grafana") is not { } binary)
            {
                return Skipped(builder, "Grafana is skipped: no container runtime and no 'grafana' binary on PATH. Install Grafana from grafana.com " +
                                        "(it has no Debian package) or run with Docker; Prometheus and Alertmanager run without it.");
            }

            var process = builder.AddExecutable(name, binary, runtime.State(name), "server", "--homepath", GrafanaHome(binary))
                .WithHttpEndpoint(name: StackResourceExtensions.HttpEndpoint, env: "GF_SERVER_HTTP_PORT", isProxied: false)
                .WithEnvironment("GF_SERVER_HTTP_ADDR", "127.0.0.1")
                .WithEnvironment("GF_PATHS_DATA", runtime.State(name, "data"))
                .WithEnvironment("GF_PATHS_LOGS", runtime.State(name, "logs"))
                .WithEnvironment("GF_PATHS_PLUGINS", runtime.State(name, "plugins"))
                .WithEnvironment("GF_PATHS_PROVISIONING", Path.Combine(runtime.GrafanaDirectory, "provisioning"))
                .WithEnvironment("GRAFANA_DASHBOARDS_PATH", Path.Combine(runtime.GrafanaDirectory, "dashboards"));
            return process.WithGrafanaSettings(runtime, adminPassword, prometheus, alertmanager);
        }

        return builder.AddPinnedContainer(name, runtime.Image(ContainerImages.Grafana), 3000)
                .WithBindMount(Path.Combine(runtime.GrafanaDirectory, "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
                .WithBindMount(Path.Combine(runtime.GrafanaDirectory, "dashboards"), "/var/lib/grafana/dashboards", isReadOnly: true)
                .WithVolume(runtime.Volume("grafana-data"), "/var/lib/grafana")
                .WithEnvironment("GRAFANA_DASHBOARDS_PATH", "/var/lib/grafana/dashboards")
                .WithGrafanaSettings(runtime, adminPassword, prometheus, alertmanager);
    }

    /// <summary>Says once, when the app starts, why Grafana is not part of this run.</summary>
    private static IResourceBuilder<IResourceWithEndpoints>? Skipped(IDistributedApplicationBuilder builder, string why)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NexusTrade.AppHost").LogWarning("{Why}", why);
            return Task.CompletedTask;
        });
        return null;
    }

    /// <summary>
    /// The datasources' URLs as endpoint references (loopback, the container network, or the cluster's Services), the
    /// admin account and Grafana's own settings; in the cluster it runs as the image's grafana user (472).
    /// </summary>
    private static IResourceBuilder<T> WithGrafanaSettings<T>(this IResourceBuilder<T> grafana, StackRuntime runtime,
        IResourceBuilder<ParameterResource> adminPassword, IResourceBuilder<IResourceWithEndpoints> prometheus,
        IResourceBuilder<IResourceWithEndpoints> alertmanager) where T : IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithWaitSupport
    {
        var anonymous = runtime.Settings.GrafanaAnonymousAccess;
        prometheus.WithKubernetesClient(grafana);
        alertmanager.WithKubernetesClient(grafana);
        return grafana
            .PublishAsKubernetesGrafana(runtime.GrafanaDirectory, new ResourceBudget("50m", "128Mi", "500m", "512Mi"), new RuntimeUser(472, 472))
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint(StackResourceExtensions.HttpEndpoint))
            .WithEnvironment("ALERTMANAGER_URL", alertmanager.GetEndpoint(StackResourceExtensions.HttpEndpoint))
            .WithEnvironment("GF_SECURITY_ADMIN_USER", "admin")
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", adminPassword)
            // Anonymous access only when asked for, and then read-only.
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", anonymous ? "true" : "false")
            .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
            .WithEnvironment("GF_USERS_ALLOW_SIGN_UP", "false")
            .WithEnvironment("GF_ANALYTICS_REPORTING_ENABLED", "false")
            .WithEnvironment("GF_ANALYTICS_CHECK_FOR_UPDATES", "false")
            .WithEnvironment("GF_NEWS_NEWS_FEED_ENABLED", "false")
            .WithHttpHealthCheck("/api/health")
            .WaitFor(prometheus);
    }

    /// <summary>Grafana's home (public/, conf/): next to the binary in a tarball install, /usr/share/grafana in a package.</summary>
    private static string GrafanaHome(string binary)
    {
        var resolved = new FileInfo(binary).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? binary;
        var candidate = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(resolved)!, ".."));
        return Directory.Exists(Path.Combine(candidate, "public")) ? candidate : "/usr/share/grafana";
    }
}
