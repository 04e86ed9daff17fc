using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;
using static NexusTrade.AppHost.Kubernetes.ManifestBuilder;

namespace NexusTrade.AppHost.Kubernetes.Components;

/// <summary>
/// Alertmanager with the repository's prometheus/alertmanager.yml (in a Secret: a route tree may carry inline
/// credentials), its templates, and the receivers' credentials as files under /etc/alertmanager/secrets/.
/// </summary>
public static class AlertmanagerManifests
{
    /// <summary>Where prometheus/alertmanager.yml expects its files (the local profile rewrites the same prefix).</summary>
    private const string Root = AlertmanagerLocalProfile.ProductionRoot;

    private static readonly ResourceBudget Budget = new("20m", "64Mi", "200m", "256Mi");

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "alert-router");
        var endpoint = spec.Port(StackResourceExtensions.HttpEndpoint);
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);
        var secrets = SecretCatalog.AlertmanagerReceivers[0].Secret;

        var config = new V1Secret
        {
            Metadata = identity.Meta($"{spec.Name}-config"),
            Type = "Opaque",
            StringData = new Dictionary<string, string> { ["alertmanager.yml"] = Configuration(context) },
        }.Initialize();
        var templates = ConfigMap(identity, $"{spec.Name}-templates", Files(Path.Combine(context.PrometheusDirectory, "templates"), "*.tmpl"));

        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // The model's flags (storage path, no gossip port: one replica), with the config where the Secret is mounted.
            Args = Args(spec.StaticArgs, new Dictionary<string, string?> { ["--config.file"] = $"{Root}config/alertmanager.yml" }),
            Ports = [port],
            ReadinessProbe = HttpProbe("/-/ready", port.Name),
            LivenessProbe = HttpProbe("/-/healthy", port.Name, failureThreshold: 6),
            VolumeMounts =
            [
                Mount("config", $"{Root}config"),
                Mount("secrets", $"{Root}secrets"),
                Mount("templates", $"{Root}templates"),
                Mount("data", "/alertmanager", readOnly: false),
            ],
        }, Budget);

        var template = PodTemplate(identity, RuntimeUser.Nobody, [container],
        [
            SecretVolume("config", config.Metadata.Name),
            SecretVolume("secrets", secrets),
            ConfigMapVolume("templates", templates.Metadata.Name),
        ]);
        return
        [
            config,
            templates,
            StatefulSet(identity, template, ClaimTemplate(identity, "data", "2Gi")),
            Service(identity, [port]),
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.PodsOf("prometheus"), NetworkPolicies.PodsOf("grafana")),
        ];
    }

    /// <summary>prometheus/alertmanager.yml exactly as committed; a minimal stand-in (logged) while it does not exist.</summary>
    private static string Configuration(PublishContext context)
    {
        var path = Path.Combine(context.PrometheusDirectory, "alertmanager.yml");
        if (File.Exists(path)) return File.ReadAllText(path);
        context.Logger.LogWarning("{Path} does not exist: Alertmanager gets a minimal stand-in configuration (Slack for everything, PagerDuty for critical).", path);
        return FallbackConfiguration;
    }

    /// <summary>Valid for Alertmanager 0.25 (amtool on Debian 12) and the pinned image; reads the same secret files.</summary>
    public const string FallbackConfiguration = """
        # Stand-in written by the Kubernetes publisher because prometheus/alertmanager.yml does not exist in the
        # repository: publish again once it does. Every alert goes to Slack, critical alerts page, and the always-firing
        # Watchdog goes nowhere until a dead man's switch is configured.
        global:
          resolve_timeout: 5m
          slack_api_url_file: /etc/alertmanager/secrets/slack-webhook-url

        templates:
          - /etc/alertmanager/templates/*.tmpl

        route:
          receiver: slack
          group_by: [alertname, team, job]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - receiver: blackhole
              matchers: ['alertname="Watchdog"']
            - receiver: pager
              matchers: ['severity="critical"']

        receivers:
          - name: slack
            slack_configs:
              - send_resolved: true
          - name: pager
            pagerduty_configs:
              - routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key
                send_resolved: true
          - name: blackhole

        """;
}
