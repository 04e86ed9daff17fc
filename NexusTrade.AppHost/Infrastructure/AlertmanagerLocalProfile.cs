using Aspire.Hosting.ApplicationModel;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// Turns the production <c>prometheus/alertmanager.yml</c> into the local one: the route tree, receivers, inhibitions
/// and templates stay as they are; only the <c>global</c> vendor endpoints and the secret files change, so that every
/// notification lands in the local alert inbox over the vendor's real protocol. Grouping timers are capped
/// (<see cref="MaxGroupWait"/>, <see cref="MaxGroupInterval"/>): production batches notifications for people on call,
/// locally that would only make a developer wait minutes for a resolved message.
/// </summary>
public static class AlertmanagerLocalProfile
{
    public static readonly TimeSpan MaxGroupWait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxGroupInterval = TimeSpan.FromSeconds(10);

    /// <param name="Global">Values set in the <c>global</c> section (vendor endpoints).</param>
    /// <param name="SecretFiles">Contents of the files under <c>secrets/</c>.</param>
    /// <param name="WebhookBaseUrl">Every <c>webhook_configs</c> URL becomes <c>{WebhookBaseUrl}/{receiver}</c>.</param>
    /// <param name="RemovedGlobal">Keys taken out of the <c>global</c> section.</param>
    public sealed record LocalDelivery(IReadOnlyDictionary<string, string> Global, IReadOnlyDictionary<string, string> SecretFiles, string WebhookBaseUrl,
        IReadOnlyList<string> RemovedGlobal)
    {
        /// <summary>Which exchange calendar the local Alertmanager routes market-data alerts by (see <see cref="MarketHours"/>).</summary>
        public MarketHours MarketHours { get; init; } = MarketHours.Open;

        /// <summary>The local Grafana the notifications' dashboard links point at ("" without Grafana: relative links).</summary>
        public string GrafanaUrl { get; init; } = "";
    }

    /// <summary>The inbox's addresses as Alertmanager reaches them: over loopback, or through the container tunnel (it waits for the inbox).</summary>
    public static async Task<LocalDelivery> ForInboxAsync(IResource alertmanager, IResourceWithEndpoints inbox, StackRuntime runtime,
        MarketHours marketHours, CancellationToken cancellationToken)
    {
        var http = await new EndpointReference(inbox, EndpointNames.Http).AddressFromAsync(alertmanager, runtime, cancellationToken);
        var smtp = await new EndpointReference(inbox, EndpointNames.Smtp).AddressFromAsync(alertmanager, runtime, cancellationToken);
        var baseUrl = $"http://{http}/inbox";
        return new LocalDelivery(
            new Dictionary<string, string>
            {
                ["pagerduty_url"] = $"{baseUrl}/pagerduty/v2/enqueue",
                ["smtp_smarthost"] = smtp,
                ["smtp_require_tls"] = "false",
            },
            new Dictionary<string, string>
            {
                ["slack-webhook-url"] = $"{baseUrl}/slack/T000/B000/local",
                ["pagerduty-routing-key"] = "local0routing0key0000000000000000",
                ["smtp-password"] = "local-inbox-accepts-any-password",
            },
            $"{baseUrl}/webhook",
            // Go's SMTP client sends a password over plain TCP only to a loopback host; a container reaches the inbox
            // through the tunnel (aspire.dev.internal), so it sends its mail without logging in (the inbox needs no login).
            runtime.IsHost ? [] : ["smtp_auth_username", "smtp_auth_password_file"])
        {
            MarketHours = marketHours,
            // The browser's address of Grafana (DCP allocates every endpoint before any resource starts); never waited for.
            GrafanaUrl = DashboardLinks.DashboardLinkTarget(alertmanager) is { IsAllocated: true } grafana ? grafana.Url : "",
        };
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
        foreach (var key in delivery.RemovedGlobal)
        {
            global.Children.Remove(new YamlScalarNode(key));
        }

        if (root.Children.TryGetValue(new YamlScalarNode("route"), out var route) && route is YamlMappingNode routeNode)
        {
            CapGroupTimers(routeNode);
        }

        MarketHoursProfile.Apply(root, delivery.MarketHours);

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
            // A container runs Alertmanager as the image's user (nobody), not as the AppHost's user: there the files
            // must be readable by others. They hold only the local inbox's stand-in values, never a real secret.
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | (runtime.IsHost ? 0 : UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, readable);
        }

        var templates = Directory.CreateDirectory(Path.Combine(etc, "templates")).FullName;
        foreach (var template in Directory.EnumerateFiles(Path.Combine(runtime.PrometheusDirectory, "templates"), "*.tmpl"))
        {
            File.Copy(template, Path.Combine(templates, Path.GetFileName(template)), overwrite: true);
        }
        await File.WriteAllTextAsync(Path.Combine(templates, DashboardLinks.TemplateFileName),
            DashboardLinks.TemplateFile(delivery.GrafanaUrl), cancellationToken);

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        // A container mounts etc at /etc/alertmanager, where the paths already point; a host process reads them from etc.
        var text = writer.ToString();
        if (runtime.IsHost) text = text.Replace(AlertmanagerSettings.ProductionRoot, etc.TrimEnd('/') + "/", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(etc, "alertmanager.yml"), "# Generated from prometheus/alertmanager.yml for the local stack: do not edit.\n" + text, cancellationToken);
    }

    private static void CapGroupTimers(YamlMappingNode route)
    {
        Cap(route, "group_wait", MaxGroupWait);
        Cap(route, "group_interval", MaxGroupInterval);
        if (route.Children.TryGetValue(new YamlScalarNode("routes"), out var children) && children is YamlSequenceNode routes)
        {
            foreach (var child in routes.OfType<YamlMappingNode>()) CapGroupTimers(child);
        }
    }

    private static void Cap(YamlMappingNode route, string key, TimeSpan max)
    {
        if (route.Children.TryGetValue(new YamlScalarNode(key), out var value) && ParseDuration(value.ToString()) > max)
        {
            route.Children[new YamlScalarNode(key)] = new YamlScalarNode($"{(int)max.TotalSeconds}s");
        }
    }

    /// <summary>A Prometheus duration such as <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(text, "([0-9]+)(ms|s|m|h|d|w|y)"))
        {
            var amount = int.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                "w" => TimeSpan.FromDays(7 * amount),
                _ => TimeSpan.FromDays(365 * amount),
            };
        }
        return total;
    }
}
