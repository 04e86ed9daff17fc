using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NexusTrade.AlertInbox.Notifications;

namespace NexusTrade.AlertInbox.Html;

/// <summary>
/// <c>GET /inbox</c>: the notifications as a page a person reads (newest first, <c>?channel=</c> as on the JSON list),
/// rendered on the server with every received value HTML-encoded, no external assets, and a reload every few seconds
/// while no payload is unfolded.
/// </summary>
public static class NotificationPage
{
    public const int RefreshSeconds = 5;

    private static readonly (string Channel, string Label)[] Filters =
        [("slack", "Slack"), ("pagerduty", "PagerDuty"), ("email", "E-mail"), ("webhook:deadmansswitch", "Dead man's switch")];

    // The payload is shown as received; encoding to HTML happens once, when it is written into the page.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapNotificationPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/inbox", (string? channel, NotificationInbox store, HttpResponse response) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            // Only this page's own style and script run, whatever a payload contains.
            response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'";
            return Results.Content(Render(store.List(channel), channel, nonce), "text/html; charset=utf-8");
        });
        return endpoints;
    }

    public static string Render(IReadOnlyList<CapturedNotification> notifications, string? channel, string nonce)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Alert inbox</title>
            <style nonce="{nonce}">{Style}</style>
            </head><body>
            <h1>Alert inbox</h1>
            <p class="bar">{notifications.Count} notification(s){(channel is null ? "" : " on " + Encode(channel))}, newest first.
            Show: <a href="/inbox">all</a>
            """);
        foreach (var (filter, label) in Filters)
        {
            html.Append(CultureInfo.InvariantCulture, $" · <a href=\"/inbox?channel={Uri.EscapeDataString(filter)}\">{label}</a>");
        }
        html.Append(CultureInfo.InvariantCulture, $"""
             · <a href="/inbox/notifications{(channel is null ? "" : "?channel=" + Uri.EscapeDataString(channel))}">JSON</a>.
            Reloads every {RefreshSeconds} s while no payload is open.</p>
            <table><thead><tr><th>Received (UTC)</th><th>Channel</th><th>Alert</th><th>Status</th><th>Severity</th><th>Summary</th></tr></thead><tbody>
            """);
        foreach (var notification in notifications.Reverse())
        {
            AppendRow(html, notification);
        }
        if (notifications.Count == 0)
        {
            html.Append("<tr><td colspan=\"6\" class=\"empty\">Nothing received yet.</td></tr>");
        }
        html.Append(CultureInfo.InvariantCulture, $$"""
            </tbody></table>
            <script nonce="{{nonce}}">setInterval(() => { if (!document.querySelector("details[open]")) location.reload(); }, {{RefreshSeconds * 1000}});</script>
            </body></html>
            """);
        return html.ToString();
    }

    private static void AppendRow(StringBuilder html, CapturedNotification notification)
    {
        var digest = NotificationDigest.Of(notification);
        var status = digest.Status ?? "";
        html.Append(CultureInfo.InvariantCulture, $"""
            <tr class="{(status is "firing" or "resolved" ? status : "other")}">
            <td class="time">{notification.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>
            <td>{Encode(ChannelLabel(notification.Channel))}</td>
            <td>{Encode(digest.AlertName)}</td>
            <td class="status">{Encode(digest.Status)}</td>
            <td>{Encode(digest.Severity)}</td>
            <td>{Encode(digest.Summary)}<details><summary>Payload</summary><pre>{Encode(Payload(notification))}</pre></details></td>
            </tr>
            """);
    }

    public static string ChannelLabel(string channel) => channel switch
    {
        "slack" => "Slack",
        "pagerduty" => "PagerDuty",
        "email" => "E-mail",
        _ when channel.StartsWith("webhook:", StringComparison.Ordinal) => "Webhook " + channel["webhook:".Length..],
        _ => channel,
    };

    /// <summary>The message as the vendor got it: the raw mail for e-mail, the JSON body otherwise.</summary>
    private static string Payload(CapturedNotification notification) =>
        notification.Raw ?? notification.Body?.ToJsonString(Indented) ?? "";

    private static string Encode(string? text) => text is null ? "–" : HtmlEncoder.Default.Encode(text);

    private const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
        h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
        .bar { color: #57606a; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #d0d7de; }
        th { background: #f6f8fa; }
        .time { white-space: nowrap; font-variant-numeric: tabular-nums; }
        tr.firing .status { color: #cf222e; font-weight: 600; }
        tr.resolved .status { color: #1a7f37; font-weight: 600; }
        details summary { cursor: pointer; color: #0969da; margin-top: .3rem; }
        pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .5rem; max-height: 30rem; overflow: auto; }
        .empty { color: #57606a; text-align: center; }
        """;
}
