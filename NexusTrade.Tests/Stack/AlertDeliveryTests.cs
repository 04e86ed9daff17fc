using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The whole alerting path on the real stack: a provider outage injected in the simulator makes the API's provider
/// metrics move, Prometheus evaluate the repository's DataProviderFailing rule, Alertmanager route it with the
/// repository's route tree, and the inbox receive it as PagerDuty Events API v2 and Slack webhook payloads; after
/// recovery, the resolved notifications arrive too.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class AlertDeliveryTests(StackFixture stack, ITestOutputHelper output) : AlertDeliveryChecks(stack, output);

/// <summary>The alerting path as every runtime must deliver it (host mode: <see cref="AlertDeliveryTests"/>; container mode too).</summary>
public abstract class AlertDeliveryChecks(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task Watchdog_reaches_the_dead_mans_switch()
    {
        await StackFixture.EventuallyAsync(async () => (await stack.NotificationsAsync("webhook:deadmansswitch"))
            .Any(n => n.GetProperty("body").GetProperty("commonLabels").GetProperty("alertname").GetString() == "Watchdog"),
            TimeSpan.FromSeconds(90), "a Watchdog webhook in the inbox");
    }

    [Fact]
    public async Task A_ticket_reaches_the_inbox_as_an_email()
    {
        // An alert handed to Alertmanager directly (as Prometheus would): team sre, severity ticket -> sre-tickets.
        var alertName = "InboxEmailProbe" + Guid.NewGuid().ToString("N")[..6];
        var alert = new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = alertName, ["team"] = "sre", ["severity"] = "ticket" },
                annotations = new Dictionary<string, string>
                {
                    ["summary"] = "E-mail delivery probe", ["runbook_url"] = "docs/runbooks/none.md", ["dashboard_url"] = InboxDashboardPath,
                },
                endsAt = DateTimeOffset.UtcNow.AddMinutes(5),
            },
        };
        (await stack.Alertmanager.PostAsJsonAsync("/api/v2/alerts", alert)).EnsureSuccessStatusCode();

        var email = await WaitForAsync("email", n => n.GetProperty("title").GetString()!.Contains(alertName), TimeSpan.FromSeconds(60));
        Assert.Equal("sre-tickets@nexustrade.example", email.GetProperty("body").GetProperty("to")[0].GetString());
        Assert.Contains("E-mail delivery probe", email.GetProperty("body").GetProperty("text").GetString());
        Assert.Contains("[FIRING:1]", email.GetProperty("title").GetString());
        // The dashboard link in the text part (this stack has no Grafana URL: the path alone).
        Assert.Contains("Dashboard: " + InboxDashboardPath, email.GetProperty("body").GetProperty("text").GetString());
    }

    private const string InboxDashboardPath = "/d/nexustrade-overview/nexustrade-main-overview?viewPanel=19";

    [Fact]
    public async Task A_provider_outage_pages_and_posts_then_resolves()
    {
        using var traffic = new CancellationTokenSource();
        var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
        try
        {
            // Start from a quiet state: no DataProviderFailing left over from an earlier fault, an empty inbox, and the
            // API's provider series existing before the fault, as they would in production.
            await stack.StartQuietAsync("DataProviderFailing");
            await Task.Delay(TimeSpan.FromSeconds(6));
            var faultAt = Stopwatch.StartNew();
            await stack.SetFaultsAsync("marketfeed-primary", new { outage = true });

            var page = await WaitForAsync("pagerduty", n => IsDataProviderFailing(n) && Field(n, "event_action") == "trigger", TimeSpan.FromSeconds(150));
            output.WriteLine($"Fault to PagerDuty trigger: {faultAt.Elapsed.TotalSeconds:0.0} s");
            var slack = await WaitForAsync("slack", n => IsDataProviderFailing(n) && !IsResolved(n), TimeSpan.FromSeconds(30));
            output.WriteLine($"Fault to Slack message: {faultAt.Elapsed.TotalSeconds:0.0} s");

            Assert.Equal("critical", page.GetProperty("body").GetProperty("payload").GetProperty("severity").GetString());
            Assert.Contains("marketfeed-primary", page.GetProperty("body").GetRawText());
            Assert.Contains("marketfeed-primary", slack.GetProperty("body").GetRawText());
            Assert.False(string.IsNullOrEmpty(Field(page, "routing_key")));
            // The rule's dashboard_url, its provider variable filled from the alert's labels, on the page and the message.
            const string panel = "/d/nexustrade-providers/nexustrade-data-provider-performance?viewPanel=9&var-provider=marketfeed-primary";
            Assert.Contains(Strings(page), text => text.Contains(panel, StringComparison.Ordinal));
            Assert.Contains(Strings(slack), text => text.Contains(panel, StringComparison.Ordinal));

            await stack.ResetFaultsAsync();
            var recoveredAt = Stopwatch.StartNew();
            var dedupKey = Field(page, "dedup_key");
            await WaitForAsync("pagerduty", n => Field(n, "event_action") == "resolve" && Field(n, "dedup_key") == dedupKey, TimeSpan.FromSeconds(240));
            output.WriteLine($"Recovery to PagerDuty resolve: {recoveredAt.Elapsed.TotalSeconds:0.0} s");
            await WaitForAsync("slack", n => IsDataProviderFailing(n) && IsResolved(n), TimeSpan.FromSeconds(30));
        }
        finally
        {
            await stack.ResetFaultsAsync();
            await traffic.CancelAsync();
            await load;
        }
        await stack.WaitForPrimaryProviderAsync();
    }

    /// <summary>Every string value of a notification, decoded (links sit in different fields per vendor).</summary>
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private static bool IsDataProviderFailing(JsonElement notification) =>
        notification.GetProperty("body").GetRawText().Contains("DataProviderFailing");

    private static bool IsResolved(JsonElement notification) =>
        notification.GetProperty("body").GetRawText().Contains("RESOLVED", StringComparison.OrdinalIgnoreCase);

    private static string? Field(JsonElement notification, string name) =>
        notification.GetProperty("body").TryGetProperty(name, out var value) ? value.GetString() : null;


    private async Task<JsonElement> WaitForAsync(string channel, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        JsonElement found = default;
        await StackFixture.EventuallyAsync(async () =>
        {
            var hit = (await stack.NotificationsAsync(channel)).Where(match).ToList();
            if (hit.Count == 0) return false;
            found = hit[0];
            return true;
        }, timeout, $"a matching {channel} notification");
        return found;
    }
}
