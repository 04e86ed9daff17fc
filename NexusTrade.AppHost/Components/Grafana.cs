using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class GrafanaComponent
{
    public static readonly InfrastructureComponent Component = new("grafana")
    {
        PinnedImage = "docker.io/grafana/grafana:11.6.0",
        // No Debian package: host mode runs a grafana binary installed from grafana.com, when there is one.
        Host = new("grafana", Package: null),
        // The grafana user of the official image.
        User = new(472, 472),
        Port = 3000,
        Budget = new("50m", "128Mi", "500m", "512Mi"),
    };

    /// <summary>
    /// Grafana with the repository's provisioning (datasources, dashboards). Grafana has no Debian package: in host mode
    /// it runs only when a <c>grafana</c> binary is on PATH; otherwise the AppHost says it is skipped and returns null.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? AddGrafana(this IDistributedApplicationBuilder builder, StackRuntime runtime,
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
            if (StackRuntime.FindOnPath(Component.Host!.Binary) is not { } binary)
            {
                return Skipped(builder, "Grafana is skipped: no container runtime and no 'grafana' binary on PATH. Install Grafana from grafana.com " +
                                        "(it has no Debian package) or run with Docker; Prometheus and Alertmanager run without it.");
            }

            var process = builder.AddExecutable(Component.Name, binary, runtime.State(Component.Name), "server", "--homepath", GrafanaHome(binary))
                .WithHttpEndpoint(name: EndpointNames.Http, env: "GF_SERVER_HTTP_PORT", isProxied: false)
                .WithEnvironment("GF_SERVER_HTTP_ADDR", "127.0.0.1")
                .WithEnvironment("GF_PATHS_DATA", runtime.State(Component.Name, "data"))
                .WithEnvironment("GF_PATHS_LOGS", runtime.State(Component.Name, "logs"))
                .WithEnvironment("GF_PATHS_PLUGINS", runtime.State(Component.Name, "plugins"))
                .WithEnvironment("GF_PATHS_PROVISIONING", Path.Combine(runtime.GrafanaDirectory, "provisioning"))
                .WithEnvironment("GRAFANA_DASHBOARDS_PATH", Path.Combine(runtime.GrafanaDirectory, "dashboards"));
            return process.WithGrafanaSettings(runtime, adminPassword, prometheus, alertmanager);
        }

        return builder.AddComponentContainer(Component, runtime)
                .WithBindMount(Path.Combine(runtime.GrafanaDirectory, "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
                .WithBindMount(Path.Combine(runtime.GrafanaDirectory, "dashboards"), "/var/lib/grafana/dashboards", isReadOnly: true)
                .WithVolume(runtime.Volume($"{Component.Name}-data"), "/var/lib/grafana")
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
    /// admin account and Grafana's own settings.
    /// </summary>
    private static IResourceBuilder<T> WithGrafanaSettings<T>(this IResourceBuilder<T> grafana, StackRuntime runtime,
        IResourceBuilder<ParameterResource> adminPassword, IResourceBuilder<IResourceWithEndpoints> prometheus,
        IResourceBuilder<IResourceWithEndpoints> alertmanager) where T : IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithWaitSupport
    {
        var anonymous = runtime.Settings.GrafanaAnonymousAccess;
        prometheus.WithKubernetesClient(grafana);
        alertmanager.WithKubernetesClient(grafana);
        return grafana
            .PublishAsKubernetesGrafana(runtime.GrafanaDirectory, Component.Budget, Component.User)
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint(EndpointNames.Http))
            .WithEnvironment("ALERTMANAGER_URL", alertmanager.GetEndpoint(EndpointNames.Http))
            // The datasources log in to Prometheus and Alertmanager (grafana/provisioning/datasources).
            .WithEnvironment("MONITORING_USER", MonitoringLogin.UserName)
            .WithEnvironment("MONITORING_PASSWORD", prometheus.Resource.LoginPassword()
                ?? throw new InvalidOperationException($"'{prometheus.Resource.Name}' has no monitoring login: Grafana's datasources need one."))
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
