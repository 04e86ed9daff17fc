using System.Text.Json.Nodes;

namespace NexusTrade.AlertInbox.Notifications;

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
