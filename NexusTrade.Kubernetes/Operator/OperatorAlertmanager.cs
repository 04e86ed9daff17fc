using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The routing, receivers, inhibitions and market-hours intervals for the operator's Alertmanager: not an
/// AlertmanagerConfig, whose route the operator confines to alerts labelled with its namespace (job-wide alerts such
/// as ApiDown and the SLO burns carry none, and would fall through to the chart's default receiver) and whose time
/// intervals have no location (the exchange session is in America/New_York). Instead prometheus/alertmanager.yml
/// itself, in the Secret that the chart's Alertmanager is told to use (alertmanagerSpec.configSecret), with the
/// receivers' credentials mounted by the operator (alertmanagerSpec.secrets) and the templates beside the config.
/// </summary>
public static class OperatorAlertmanager
{
    /// <summary>The Secret named in alertmanager.alertmanagerSpec.configSecret (the chart's values; README).</summary>
    public const string ConfigSecret = "alertmanager-nexustrade";

    /// <summary>The key the operator reads the configuration from.</summary>
    public const string ConfigKey = "alertmanager.yaml";

    /// <summary>Where the operator mounts the config Secret's keys (the configuration and, beside it, the templates).</summary>
    public const string ConfigDirectory = "/etc/alertmanager/config/";

    /// <summary>Where the operator mounts each Secret of alertmanagerSpec.secrets: a directory named after it.</summary>
    public static string SecretsDirectory(string secret) => $"/etc/alertmanager/secrets/{secret}/";

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context, string prometheusDirectory)
    {
        var settings = context.Options.Operator;
        var receivers = AlertmanagerWorkload.ReceiverSecrets[0].Secret;
        foreach (var key in AlertmanagerWorkload.ReceiverSecrets) context.Secrets.Declare(key);
        // No pod of ours mounts it: the placeholder is written because the operator's Alertmanager will.
        context.Secrets.MountedElsewhere(settings.Namespace, receivers);

        var data = new SortedDictionary<string, string>(AlertmanagerWorkload.TemplateFiles(spec, context, prometheusDirectory), StringComparer.Ordinal)
        {
            [ConfigKey] = ForOperator(AlertmanagerWorkload.Configuration(prometheusDirectory), receivers),
        };
        yield return new V1Secret
        {
            Metadata = new Identity(ConfigSecret, settings.Namespace, spec.Deployment.Role).Meta(),
            Type = "Opaque",
            StringData = data,
        }.Initialize();
    }

    /// <summary>The configuration with the operator's paths: secrets under their Secret's directory, templates beside the config.</summary>
    public static string ForOperator(string configuration, string receiverSecret) => configuration
        .Replace($"{AlertmanagerSettings.ProductionRoot}secrets/", SecretsDirectory(receiverSecret), StringComparison.Ordinal)
        .Replace($"{AlertmanagerSettings.ProductionRoot}templates/", ConfigDirectory, StringComparison.Ordinal);
}
