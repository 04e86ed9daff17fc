using System.Text.Json.Nodes;

namespace NexusTrade.MarketFeed.Notifications;

/// <summary>
/// Stand-ins for the notification vendors Alertmanager talks to, each accepting its real wire format:
/// a Slack incoming webhook, the PagerDuty Events API v2, and a plain webhook (the dead-man's switch).
/// Mail arrives over SMTP (<see cref="SmtpInboxServer"/>). Everything is listed at <c>GET /inbox/notifications</c>.
/// </summary>
public static class NotificationInboxEndpoints
{
    public static IEndpointRouteBuilder MapNotificationInbox(this IEndpointRouteBuilder endpoints)
    {
        var inbox = endpoints.MapGroup("/inbox");

        inbox.MapPost("/slack/{**hook}", async (HttpRequest request, NotificationInbox store) =>
        {
            var body = await ReadJsonAsync(request);
            // Slack answers a payload without text, attachments or blocks with 400 "no_text".
            if (body is not JsonObject message || (message["text"] is null && message["attachments"] is null && message["blocks"] is null))
                return Results.Text("no_text", statusCode: StatusCodes.Status400BadRequest);
            var title = message["text"]?.ToString() ?? message["attachments"]?[0]?["title"]?.ToString() ?? "(blocks)";
            store.Add("slack", title, body);
            return Results.Text("ok");
        });

        inbox.MapPost("/pagerduty/v2/enqueue", async (HttpRequest request, NotificationInbox store) =>
        {
            var body = await ReadJsonAsync(request);
            var errors = PagerDutyEvent.Validate(body);
            if (errors.Count > 0)
                return Results.Json(new { status = "invalid event", message = "Event object is invalid", errors }, statusCode: StatusCodes.Status400BadRequest);
            var dedupKey = body!["dedup_key"]?.ToString() ?? Guid.NewGuid().ToString("N");
            var action = body["event_action"]!.ToString();
            store.Add("pagerduty", $"{action}: {body["payload"]?["summary"] ?? dedupKey}", body);
            return Results.Json(new { status = "success", message = "Event processed", dedup_key = dedupKey }, statusCode: StatusCodes.Status202Accepted);
        });

        inbox.MapPost("/webhook/{name}", async (string name, HttpRequest request, NotificationInbox store) =>
        {
            var body = await ReadJsonAsync(request);
            if (body is null) return Results.BadRequest();
            store.Add("webhook:" + name, $"{body["status"]}: {body["groupLabels"]?.ToJsonString()}", body);
            return Results.Ok();
        });

        inbox.MapGet("/notifications", (string? channel, NotificationInbox store) => store.List(channel));
        inbox.MapDelete("/notifications", (NotificationInbox store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
        return endpoints;
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>The checks PagerDuty's Events API v2 applies to an event.</summary>
public static class PagerDutyEvent
{
    private static readonly string[] Actions = ["trigger", "acknowledge", "resolve"];
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static List<string> Validate(JsonNode? body)
    {
        var errors = new List<string>();
        if (body is not JsonObject)
        {
            errors.Add("Body must be a JSON object.");
            return errors;
        }
        if (string.IsNullOrEmpty(body["routing_key"]?.ToString())) errors.Add("'routing_key' is missing.");
        var action = body["event_action"]?.ToString();
        if (!Actions.Contains(action)) errors.Add("'event_action' must be trigger, acknowledge or resolve.");
        if (action == "trigger")
        {
            var payload = body["payload"];
            if (string.IsNullOrEmpty(payload?["summary"]?.ToString())) errors.Add("'payload.summary' is missing.");
            if (string.IsNullOrEmpty(payload?["source"]?.ToString())) errors.Add("'payload.source' is missing.");
            if (!Severities.Contains(payload?["severity"]?.ToString())) errors.Add("'payload.severity' must be critical, error, warning or info.");
        }
        else if (string.IsNullOrEmpty(body["dedup_key"]?.ToString()))
        {
            errors.Add("'dedup_key' is required for acknowledge and resolve.");
        }
        return errors;
    }
}
