using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NexusTrade.AlertInbox.Notifications;

/// <summary>What a person scans a notification for, read from whichever vendor format it arrived in; null when absent.</summary>
public sealed partial record NotificationDigest(string? AlertName, string? Status, string? Severity, string? Summary)
{
    // "[FIRING:2] ApiHighErrorRate (critical) - ...": the title every receiver is given (prometheus/templates/common.tmpl).
    [GeneratedRegex(@"\[(?<status>FIRING|RESOLVED)(?::\d+)?\]\s+(?<alert>[A-Za-z_:][A-Za-z0-9_:]*)(?:\s+\((?<severity>[^)]+)\))?", RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();

    // Slack: ":red_circle: *summary*"; e-mail text: "FIRING: summary".
    [GeneratedRegex(@"^(?:\S+\s+\*(?<summary>[^*\r\n]+)\*|(?:FIRING|RESOLVED): (?<summary>[^\r\n]+))", RegexOptions.Multiline)]
    private static partial Regex SummaryLinePattern();

    public static NotificationDigest Of(CapturedNotification notification) => notification.Channel switch
    {
        "pagerduty" => PagerDuty(notification.Body, notification.Title),
        "slack" => FromText(notification.Body?["attachments"]?[0]?["title"]?.ToString() ?? notification.Title,
            notification.Body?["attachments"]?[0]?["text"]?.ToString() ?? notification.Body?["text"]?.ToString()),
        "email" => FromText(notification.Title, notification.Body?["text"]?.ToString()),
        _ when notification.Channel.StartsWith("webhook:", StringComparison.Ordinal) => Webhook(notification.Body),
        _ => FromText(notification.Title, null),
    };

    /// <summary>Alertmanager's webhook payload carries every field as data.</summary>
    private static NotificationDigest Webhook(JsonNode? body) => new(
        Text(body?["commonLabels"]?["alertname"]) ?? Text(body?["groupLabels"]?["alertname"]),
        Text(body?["status"]),
        Text(body?["commonLabels"]?["severity"]),
        Text(body?["commonAnnotations"]?["summary"]) ?? Text(body?["alerts"]?[0]?["annotations"]?["summary"]));

    /// <summary>A PagerDuty event: the action is the status; a resolve carries little more than its dedup key.</summary>
    private static NotificationDigest PagerDuty(JsonNode? body, string title)
    {
        var payload = body?["payload"];
        var fromTitle = FromText(Text(payload?["summary"]) ?? title, null);
        var status = Text(body?["event_action"]) switch
        {
            "trigger" => "firing",
            "resolve" => "resolved",
            var action => action,
        };
        return new NotificationDigest(
            Text(payload?["class"]) ?? fromTitle.AlertName,
            status,
            Text(payload?["severity"]) ?? fromTitle.Severity,
            Text(payload?["custom_details"]?["summary"]) ?? fromTitle.Summary);
    }

    /// <summary>
    /// The title names alert, status and severity; the summary is the first alert line of the text (Slack, e-mail) or
    /// what follows the title after ": " (PagerDuty's description).
    /// </summary>
    private static NotificationDigest FromText(string title, string? text)
    {
        var match = TitlePattern().Match(title);
        var summary = text is null ? null : SummaryLinePattern().Match(text) is { Success: true } line ? line.Groups["summary"].Value.Trim() : null;
        var separator = match.Success ? title.IndexOf(": ", match.Index + match.Length, StringComparison.Ordinal) : -1;
        if (summary is null && separator >= 0) summary = title[(separator + 2)..].Trim();
        return new NotificationDigest(
            match.Success ? match.Groups["alert"].Value : null,
            match.Success ? match.Groups["status"].Value.ToLowerInvariant() : null,
            match.Groups["severity"].Success ? match.Groups["severity"].Value : null,
            summary ?? (title.Length > 0 ? title : null));
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.ToString() is { Length: > 0 } text ? text : null;
}
