using System.Text.Json.Nodes;

namespace NexusTrade.AlertInbox.Notifications;

/// <summary>
/// Stand-ins for the notification vendors Alertmanager talks to, each accepting its real wire format:
/// a Slack incoming webhook, the PagerDuty Events API v2, and a plain webhook (the dead-man's switch).
/// Mail arrives over SMTP (<see cref="Smtp.SmtpInboxServer"/>). Everything is listed as JSON at <c>GET /inbox/notifications</c>
/// and as a page at <c>GET /inbox</c> (<see cref="Html.NotificationPage"/>).
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
