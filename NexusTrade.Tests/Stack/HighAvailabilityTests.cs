using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Alerting;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Failover on the real binaries in local HA mode: losing an Alertmanager and a Prometheus while an alert fires pages
/// once and resolves once, a restarted Alertmanager rejoins with its silences, and losing an API replica leaves quotes
/// served and the target-down alerts as docs/runbooks/TargetDown.md documents them.
/// </summary>
[Collection(HighAvailabilityCollection.Name)]
[Trait("Category", "Stack")]
[Trait("Category", "HighAvailability")]
public sealed class HighAvailabilityTests(HighAvailabilityFixture stack, ITestOutputHelper output)
{
    private const string FaultAlert = "DataProviderFailing";

    /// <summary>The channels a critical market-data alert reaches (trading-platform-pager: PagerDuty and Slack).</summary>
    private static readonly string[] PagingChannels = ["pagerduty", "slack"];

    /// <summary>Each of the two Prometheus servers and three Alertmanagers asks for the login (their pair and cluster traffic logs in: the tests below).</summary>
    [Fact]
    public Task Every_replica_answers_only_to_the_monitoring_login() => MonitoringLoginChecks.Every_path_requires_the_login(stack, output);

    [Fact]
    public async Task An_alert_survives_losing_the_sending_alertmanager_and_a_prometheus_and_notifies_each_channel_once()
    {
        using var traffic = new CancellationTokenSource();
        var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
        var stopped = new List<string>();
        try
        {
            await stack.StartQuietAsync(FaultAlert);
            await Task.Delay(TimeSpan.FromSeconds(6)); // the provider series exist before the fault, as in production
            await stack.SetFaultsAsync("marketfeed-primary", new { outage = true });
            var page = await WaitForAsync("pagerduty", "firing", TimeSpan.FromSeconds(150));
            await WaitForAsync("slack", "firing", TimeSpan.FromSeconds(30));

            // The member that delivered the page (normally the first in the cluster's order; the others only wait for
            // its notification log entry): the event's client_url is the sender's own external URL. Its counters
            // would not tell, since other critical alerts (a busy machine's CPU) page through the same integration.
            // Losing it must neither lose the resolve nor let another member page again.
            var sender = stack.DeliveredBy(page);
            var stoppedAt = Stopwatch.StartNew();
            foreach (var resource in new[] { sender, HighAvailabilityFixture.PrometheusReplicas[1] })
            {
                await stack.StopAsync(resource);
                stopped.Add(resource);
            }
            output.WriteLine($"stopped {string.Join(" and ", stopped)} (the page came from {sender}) in {stoppedAt.Elapsed.TotalSeconds:0.0} s");

            await stack.ResetFaultsAsync();
            var resolve = await WaitForAsync("pagerduty", "resolved", TimeSpan.FromSeconds(240));
            var resolvedBy = stack.DeliveredBy(resolve);
            output.WriteLine($"stop of {sender} to the next notification (PagerDuty resolve, from {resolvedBy}): {stoppedAt.Elapsed.TotalSeconds:0.0} s");
            Assert.NotEqual(sender, resolvedBy);
            await WaitForAsync("slack", "resolved", TimeSpan.FromSeconds(60));

            // A late duplicate would come within a few group intervals plus the members' peer timeouts.
            var settle = 3 * (AlertmanagerLocalProfile.MaxGroupInterval + HighAvailabilityFixture.AlertmanagerReplicas.Length * AlertmanagerComponent.LocalPeerTimeout);
            await Task.Delay(settle);

            var counts = new Dictionary<string, int>();
            foreach (var channel in PagingChannels)
            {
                foreach (var notification in (await stack.NotificationsAsync(channel)).Where(IsFaultAlert))
                {
                    var key = $"{channel}/{FaultAlert}/{Status(channel, notification)}";
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                    if (channel == "pagerduty") output.WriteLine($"{key} delivered by {stack.DeliveredBy(notification)}");
                }
            }
            var expected = PagingChannels.SelectMany(c => new[] { $"{c}/{FaultAlert}/firing", $"{c}/{FaultAlert}/resolved" }).ToList();
            output.WriteLine($"notifications expected {expected.Count}, received {counts.Values.Sum()}: " +
                             string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}")));
            Assert.Equal(expected.Order().Select(k => $"{k}=1"), counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"));
        }
        finally
        {
            await stack.ResetFaultsAsync();
            await traffic.CancelAsync();
            await load;
            foreach (var resource in stopped) await stack.StartAsync(resource);
        }
        await stack.WaitForPrimaryProviderAsync();
    }

    [Fact]
    public async Task A_restarted_alertmanager_rejoins_the_cluster_and_keeps_its_silences()
    {
        var (first, restarted) = (HighAvailabilityFixture.AlertmanagerReplicas[0], HighAvailabilityFixture.AlertmanagerReplicas[^1]);
        var members = HighAvailabilityFixture.AlertmanagerReplicas.Length;
        await stack.WaitForMembersAsync(restarted, members);

        // One silence from before the stop (it reached the member by gossip), one created while it was down.
        var before = await CreateSilenceAsync(first);
        await stack.WaitForSilenceAsync(restarted, before, "gossiped to it before the stop");
        await stack.StopAsync(restarted);
        await stack.WaitForMembersAsync(first, members - 1);
        var during = await CreateSilenceAsync(first);

        var startedAt = Stopwatch.StartNew();
        await stack.StartAsync(restarted);
        var healthy = startedAt.Elapsed;
        await stack.WaitForMembersAsync(restarted, members);
        output.WriteLine($"{restarted}: healthy {healthy.TotalSeconds:0.0} s after the start command, " +
                         $"{members} cluster members {startedAt.Elapsed.TotalSeconds:0.0} s after it");
        await stack.WaitForMembersAsync(first, members);

        await stack.WaitForSilenceAsync(restarted, before, "kept across the restart");
        await stack.WaitForSilenceAsync(restarted, during, "created while it was down, caught up on rejoin");
    }

    [Fact]
    public async Task Losing_one_api_replica_keeps_quotes_served_and_fires_TargetDown_for_it_but_never_ApiDown()
    {
        var rules = RuleFiles.LoadAlertRules();
        var targetDownFor = AlertmanagerLocalProfile.ParseDuration(rules.Single(r => r.Alert == "TargetDown").For!);
        var apiDownFor = AlertmanagerLocalProfile.ParseDuration(rules.Single(r => r.Alert == "ApiDown").For!);
        var (serving, lost) = (HighAvailabilityFixture.ApiReplicas[0], HighAvailabilityFixture.ApiReplicas[1]);
        var lostInstance = stack.Instance(lost);
        await StackFixture.EventuallyAsync(async () => (await stack.QueryAsync($"up{{job=\"api\"}} == 1")).GetArrayLength() == HighAvailabilityFixture.ApiReplicas.Length,
            TimeSpan.FromSeconds(60), "both API replicas scraped");
        await stack.WaitForNoAlertAsync("TargetDown");

        // A quote cached through the replica that will go: the other serves it from the shared Redis.
        var symbol = "HA" + Random.Shared.Next(1000, 9999);
        (await stack.Client(lost).GetAsync($"/api/quotes/{symbol}")).EnsureSuccessStatusCode();

        await stack.StopAsync(lost);
        var stoppedAt = Stopwatch.StartNew();
        try
        {
            var served = 0;
            TimeSpan? pendingAt = null, firingAt = null;
            // Watched until TargetDown fires for the lost replica, and at least as long as ApiDown's "for", so that
            // ApiDown would have fired by then if one replica down were enough.
            while (firingAt is null || stoppedAt.Elapsed < apiDownFor + TimeSpan.FromSeconds(15))
            {
                Assert.True(stoppedAt.Elapsed < targetDownFor + TimeSpan.FromSeconds(120),
                    $"TargetDown for {lostInstance} firing within its for ({targetDownFor.TotalSeconds:0} s) and two minutes; pending since {pendingAt?.TotalSeconds:0} s");
                using (var quote = await stack.Api.GetAsync($"/api/quotes/{(served % 2 == 0 ? symbol : "HB" + served)}"))
                {
                    Assert.True(quote.StatusCode == HttpStatusCode.OK, $"{serving} serves quotes while {lost} is down: {quote.StatusCode}");
                    served++;
                }
                var apiDown = await stack.QueryAsync("ALERTS{alertname=\"ApiDown\"}");
                Assert.True(apiDown.GetArrayLength() == 0, $"ApiDown while {serving} is up, {stoppedAt.Elapsed.TotalSeconds:0} s after the stop: {apiDown}");
                var targetDown = await stack.QueryAsync("ALERTS{alertname=\"TargetDown\", job=\"api\"}");
                foreach (var alert in targetDown.EnumerateArray())
                {
                    var labels = alert.GetProperty("metric");
                    Assert.Equal(lostInstance, labels.GetProperty("instance").GetString());
                    pendingAt ??= stoppedAt.Elapsed;
                    if (labels.GetProperty("alertstate").GetString() == "firing") firingAt ??= stoppedAt.Elapsed;
                }
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            output.WriteLine($"{lost} stopped: TargetDown{{job=\"api\", instance=\"{lostInstance}\"}} pending at {pendingAt?.TotalSeconds:0} s, " +
                             $"firing at {firingAt?.TotalSeconds:0} s (for: {targetDownFor.TotalSeconds:0} s); ApiDown (for: {apiDownFor.TotalSeconds:0} s) " +
                             $"never, over {stoppedAt.Elapsed.TotalSeconds:0} s; {served} quotes served by {serving}, none failed");
        }
        finally
        {
            await stack.StartAsync(lost);
        }
        await StackFixture.EventuallyAsync(async () => (await stack.QueryAsync("ALERTS{alertname=\"TargetDown\"}")).GetArrayLength() == 0,
            TimeSpan.FromSeconds(60), "TargetDown resolved once the replica is back");
    }

    private Task<string> CreateSilenceAsync(string member) =>
        AlertmanagerApi.CreateSilenceAsync(stack.Client(member), AlertmanagerApi.ProbeName("HaSilenceProbe"), nameof(HighAvailabilityTests),
            "survives the restart of a cluster member");

    private async Task<JsonElement> WaitForAsync(string channel, string status, TimeSpan timeout)
    {
        JsonElement found = default;
        await StackFixture.EventuallyAsync(async () =>
        {
            var hit = (await stack.NotificationsAsync(channel)).Where(n => IsFaultAlert(n) && Status(channel, n) == status).ToList();
            if (hit.Count == 0) return false;
            found = hit[0];
            return true;
        }, timeout, $"a {status} {FaultAlert} on {channel}");
        return found;
    }

    private static bool IsFaultAlert(JsonElement notification) => notification.GetProperty("body").GetRawText().Contains(FaultAlert);

    /// <summary>firing or resolved: PagerDuty's event_action (trigger/resolve), Slack's title ([RESOLVED]).</summary>
    private static string Status(string channel, JsonElement notification)
    {
        var body = notification.GetProperty("body");
        var resolved = channel == "pagerduty"
            ? body.GetProperty("event_action").GetString() == "resolve"
            : body.GetRawText().Contains("RESOLVED", StringComparison.OrdinalIgnoreCase);
        return resolved ? "resolved" : "firing";
    }
}
