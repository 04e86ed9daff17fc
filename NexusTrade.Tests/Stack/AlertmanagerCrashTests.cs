using System.Diagnostics;
using NexusTrade.Kubernetes;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class AlertmanagerCrashTests(StackFixture stack, ITestOutputHelper output) : AlertmanagerCrashChecks(stack, output);

/// <summary>The single Alertmanager (local runs, a cluster scaled to one) crashed: what it keeps and what it loses.</summary>
public abstract class AlertmanagerCrashChecks(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>
    /// SIGKILL of the Alertmanager process (host mode) or <c>docker kill --signal KILL</c> of its container, not a stop:
    /// Alertmanager 0.25 writes silences and the notification log only on its maintenance snapshot and at a clean
    /// shutdown, so a crash keeps exactly what the last snapshot holds. A silence and a sent e-mail followed by one
    /// snapshot of each must survive (the wait is bounded by one maintenance interval, 15 s, plus slack for a loaded
    /// machine): the silence is active after the restart, and the ticket handed over again is not mailed a second time
    /// (a lost notification log would send it again). A silence created after that snapshot is in the loss window: the
    /// test reports whether it survived, it cannot require either.
    /// </summary>
    [Fact]
    public async Task A_killed_alertmanager_keeps_the_silences_and_notification_log_of_its_last_snapshot()
    {
        var alertmanager = stack.Alertmanager;
        var ticket = AlertmanagerApi.ProbeName("CrashTicketProbe");
        await AlertmanagerApi.PostAlertAsync(alertmanager, ticket, AlertmanagerApi.TicketLabels);
        await WaitForEmailAsync(ticket);
        var kept = await AlertmanagerApi.CreateSilenceAsync(alertmanager, AlertmanagerApi.ProbeName("CrashSilenceProbe"), nameof(AlertmanagerCrashChecks), "written by a snapshot before the crash");

        var createdAt = Stopwatch.StartNew();
        var before = await AlertmanagerApi.SnapshotCountsAsync(alertmanager);
        (double Silences, double NotificationLog) now = before;
        await StackFixture.EventuallyAsync(async () =>
        {
            now = await AlertmanagerApi.SnapshotCountsAsync(alertmanager);
            return now.Silences > before.Silences && now.NotificationLog > before.NotificationLog;
        }, AlertmanagerSettings.MaintenanceInterval + TimeSpan.FromSeconds(30), () => $"a snapshot of silences and notification log after {before}, seen {now}");
        output.WriteLine($"silence and e-mail on disk {createdAt.Elapsed.TotalSeconds:0.0} s after the silence was created (maintenance interval {AlertmanagerSettings.MaintenanceInterval.TotalSeconds:0} s)");

        var inWindow = await AlertmanagerApi.CreateSilenceAsync(alertmanager, AlertmanagerApi.ProbeName("CrashWindowProbe"), nameof(AlertmanagerCrashChecks), "created after the last snapshot");
        await stack.KillAsync(AlertmanagerResource);
        var killedAt = Stopwatch.StartNew();
        await stack.StartAsync(AlertmanagerResource);
        output.WriteLine($"SIGKILL to healthy again: {killedAt.Elapsed.TotalSeconds:0.0} s");

        Assert.True(await AlertmanagerApi.IsSilenceActiveAsync(alertmanager, kept), $"silence {kept}, snapshotted before the crash, is active after it");
        output.WriteLine($"silence created after the last snapshot, just before the SIGKILL: {(await AlertmanagerApi.IsSilenceActiveAsync(alertmanager, inWindow) ? "kept" : "lost")}");

        // Prometheus re-sends what still fires: the ticket again, and a new one whose e-mail shows that both groups
        // (same route, same group_wait) have been flushed by then.
        await stack.ClearInboxAsync();
        var witness = AlertmanagerApi.ProbeName("CrashWitnessProbe");
        await AlertmanagerApi.PostAlertAsync(alertmanager, ticket, AlertmanagerApi.TicketLabels);
        await AlertmanagerApi.PostAlertAsync(alertmanager, witness, AlertmanagerApi.TicketLabels);
        await WaitForEmailAsync(witness);
        var again = (await stack.NotificationsAsync("email")).Count(n => Title(n).Contains(ticket, StringComparison.Ordinal));
        Assert.True(again == 0, $"{ticket} was mailed again after the crash ({again} e-mails): the notification log was lost");
    }

    private const string AlertmanagerResource = "alertmanager";

    private Task WaitForEmailAsync(string alertname) =>
        StackFixture.EventuallyAsync(async () => (await stack.NotificationsAsync("email")).Any(n => Title(n).Contains(alertname, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), $"an e-mail for {alertname}");

    private static string Title(System.Text.Json.JsonElement notification) => notification.GetProperty("title").GetString() ?? "";
}
