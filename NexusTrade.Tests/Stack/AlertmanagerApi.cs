using System.Net.Http.Json;
using System.Text.Json;

namespace NexusTrade.Tests.Stack;

/// <summary>What the stack tests do with an Alertmanager's API: silences, alerts handed over as Prometheus would, metrics.</summary>
public static class AlertmanagerApi
{
    /// <summary>Labels that route to the e-mail tickets (team sre, severity ticket: one e-mail per group, repeated daily).</summary>
    public static readonly IReadOnlyDictionary<string, string> TicketLabels = new Dictionary<string, string> { ["team"] = "sre", ["severity"] = "ticket" };

    /// <summary>Labels that page around the clock (trading-platform-pager: PagerDuty and Slack, no market-hours interval).</summary>
    public static readonly IReadOnlyDictionary<string, string> PageLabels = new Dictionary<string, string> { ["team"] = "trading-platform", ["severity"] = "critical" };

    /// <summary>A unique alert name for one test's probe.</summary>
    public static string ProbeName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Creates a one-hour silence of <paramref name="alertname"/> and returns its ID.</summary>
    public static async Task<string> CreateSilenceAsync(HttpClient alertmanager, string alertname, string createdBy, string comment)
    {
        var silence = new
        {
            matchers = new[] { new { name = "alertname", value = alertname, isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow,
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            createdBy,
            comment,
        };
        using var response = await alertmanager.PostAsJsonAsync("/api/v2/silences", silence);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("silenceID").GetString()!;
    }

    /// <summary>Whether the silence exists and is active on this Alertmanager (false while it does not answer).</summary>
    public static async Task<bool> IsSilenceActiveAsync(HttpClient alertmanager, string id)
    {
        try
        {
            using var response = await alertmanager.GetAsync($"/api/v2/silence/{id}");
            return response.IsSuccessStatusCode &&
                   (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetProperty("state").GetString() == "active";
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Hands a firing alert to Alertmanager as Prometheus does (it re-sends every alert it still holds).</summary>
    public static async Task PostAlertAsync(HttpClient alertmanager, string alertname, IReadOnlyDictionary<string, string> labels, TimeSpan? endsIn = null)
    {
        var alert = new[]
        {
            new
            {
                labels = new Dictionary<string, string>(labels) { ["alertname"] = alertname },
                annotations = new Dictionary<string, string> { ["summary"] = "Crash test probe " + alertname, ["runbook_url"] = "docs/runbooks/none.md" },
                endsAt = DateTimeOffset.UtcNow + (endsIn ?? TimeSpan.FromMinutes(5)),
            },
        };
        (await alertmanager.PostAsJsonAsync("/api/v2/alerts", alert)).EnsureSuccessStatusCode();
    }

    /// <summary>Snapshots written so far of the silences and the notification log (both on the maintenance interval).</summary>
    public static async Task<(double Silences, double NotificationLog)> SnapshotCountsAsync(HttpClient alertmanager)
    {
        var metrics = await MetricsScrape.TakeAsync(alertmanager);
        return (metrics.Sum("alertmanager_silences_snapshot_duration_seconds_count"), metrics.Sum("alertmanager_nflog_snapshot_duration_seconds_count"));
    }
}
