using Aspire.Hosting.ApplicationModel;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// Turns the production <c>prometheus/alertmanager.yml</c> into the local one: the route tree, receivers, inhibitions
/// and templates stay as they are; only the <c>global</c> vendor endpoints and the secret files change, so that every
/// notification lands in the local alert inbox over the vendor's real protocol.
/// </summary>
public static class AlertmanagerLocalProfile
{
    /// <summary>Where the production config expects its files (a Secret and a ConfigMap mounted in Kubernetes).</summary>
    public const string ProductionRoot = "/etc/alertmanager/";

    /// <param name="Global">Values set in the <c>global</c> section (vendor endpoints).</param>
    /// <param name="SecretFiles">Contents of the files under <c>secrets/</c>.</param>
    /// <param name="WebhookBaseUrl">Every <c>webhook_configs</c> URL becomes <c>{WebhookBaseUrl}/{receiver}</c>.</param>
    public sealed record LocalDelivery(IReadOnlyDictionary<string, string> Global, IReadOnlyDictionary<string, string> SecretFiles, string WebhookBaseUrl);

    public static LocalDelivery ForInbox(IResourceWithEndpoints inbox, StackRuntime runtime)
    {
        var http = new EndpointReference(inbox, "http");
        var smtp = new EndpointReference(inbox, "smtp");
        // Alertmanager reaches the inbox over loopback as a host process, through the host gateway as a container.
        var host = runtime.IsHost ? "127.0.0.1" : "host.docker.internal";
        var baseUrl = $"http://{host}:{http.Port}/inbox";
        return new LocalDelivery(
            new Dictionary<string, string>
            {
                ["pagerduty_url"] = $"{baseUrl}/pagerduty/v2/enqueue",
                ["smtp_smarthost"] = $"{host}:{smtp.Port}",
                ["smtp_require_tls"] = "false",
            },
            new Dictionary<string, string>
            {
                ["slack-webhook-url"] = $"{baseUrl}/slack/T000/B000/local",
                ["pagerduty-routing-key"] = "local0routing0key0000000000000000",
                ["smtp-password"] = "local-inbox-accepts-any-password",
            },
            $"{baseUrl}/webhook");
    }

    /// <summary>Writes <c>alertmanager.yml</c>, <c>secrets/</c> and <c>templates/</c> into <paramref name="etc"/>.</summary>
    public static async Task WriteAsync(string productionConfig, string etc, StackRuntime runtime, LocalDelivery delivery, CancellationToken cancellationToken)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(await File.ReadAllTextAsync(productionConfig, cancellationToken)))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        if (!root.Children.TryGetValue(new YamlScalarNode("global"), out var globalNode) || globalNode is not YamlMappingNode global)
        {
            global = new YamlMappingNode();
            root.Children[new YamlScalarNode("global")] = global;
        }
        foreach (var (key, value) in delivery.Global)
        {
            global.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);
        }

        // Webhook URLs are per receiver (Alertmanager 0.25 has no url_file for webhooks), so each is pointed at the inbox.
        if (root.Children.TryGetValue(new YamlScalarNode("receivers"), out var receivers) && receivers is YamlSequenceNode receiverList)
        {
            foreach (var receiver in receiverList.OfType<YamlMappingNode>())
            {
                var receiverName = receiver.Children[new YamlScalarNode("name")].ToString();
                if (!receiver.Children.TryGetValue(new YamlScalarNode("webhook_configs"), out var webhooks) || webhooks is not YamlSequenceNode hooks) continue;
                foreach (var hook in hooks.OfType<YamlMappingNode>())
                {
                    hook.Children.Remove(new YamlScalarNode("url_file"));
                    hook.Children[new YamlScalarNode("url")] = new YamlScalarNode($"{delivery.WebhookBaseUrl}/{receiverName}");
                }
            }
        }

        var secrets = Directory.CreateDirectory(Path.Combine(etc, "secrets")).FullName;
        foreach (var (file, value) in delivery.SecretFiles)
        {
            var path = Path.Combine(secrets, file);
            await File.WriteAllTextAsync(path, value, cancellationToken);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var templates = Directory.CreateDirectory(Path.Combine(etc, "templates")).FullName;
        foreach (var template in Directory.EnumerateFiles(Path.Combine(runtime.PrometheusDirectory, "templates"), "*.tmpl"))
        {
            File.Copy(template, Path.Combine(templates, Path.GetFileName(template)), overwrite: true);
        }

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        // A container mounts etc at /etc/alertmanager, where the paths already point; a host process reads them from etc.
        var text = writer.ToString();
        if (runtime.IsHost) text = text.Replace(ProductionRoot, etc.TrimEnd('/') + "/", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(etc, "alertmanager.yml"), "# Generated from prometheus/alertmanager.yml for the local stack: do not edit.\n" + text, cancellationToken);
    }
}
