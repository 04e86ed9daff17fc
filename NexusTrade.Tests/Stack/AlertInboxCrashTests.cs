using System.Diagnostics;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>The receiving end crashed while Alertmanager sends: a notification vendor (here its stand-in) unreachable.</summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class AlertInboxCrashTests(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>
    /// SIGKILL of the alert inbox (PagerDuty's, Slack's and the mail server's stand-in), not a stop: its SMTP port
    /// refuses connections while a ticket is due. Alertmanager must record the failed attempt and, since nothing reached
    /// its notification log, retry until the inbox is back (within the flush, then every group interval, 10 s locally);
    /// the e-mail then arrives exactly once. The 90 s bound is a group interval plus retry backoff with ample room for a
    /// loaded machine; the delay from the restart to the delivery is measured and reported.
    /// </summary>
    [Fact]
    public async Task A_notification_due_while_the_inbox_is_killed_arrives_once_it_is_back()
    {
        var failedBefore = await FailedEmailsAsync();
        await stack.KillAsync("alert-inbox");
        var running = false;
        try
        {
            var ticket = AlertmanagerApi.ProbeName("InboxCrashProbe");
            var sentAt = Stopwatch.StartNew();
            await AlertmanagerApi.PostAlertAsync(stack.Alertmanager, ticket, AlertmanagerApi.TicketLabels);
            double failed = failedBefore;
            await StackFixture.EventuallyAsync(async () => (failed = await FailedEmailsAsync()) > failedBefore, TimeSpan.FromSeconds(60),
                () => $"a failed e-mail attempt while the inbox is down (failed e-mails {failedBefore}, now {failed})");
            var firstFailure = sentAt.Elapsed;

            var restartedAt = Stopwatch.StartNew();
            await stack.StartAsync("alert-inbox");
            running = true;
            var healthy = restartedAt.Elapsed;
            var delivered = 0;
            await StackFixture.EventuallyAsync(async () => (delivered = await EmailsAsync(ticket)) > 0, TimeSpan.FromSeconds(90), $"the e-mail for {ticket} after the inbox's restart");
            output.WriteLine($"first failed attempt {firstFailure.TotalSeconds:0.0} s after the alert; inbox healthy {healthy.TotalSeconds:0.0} s " +
                             $"and the e-mail delivered {restartedAt.Elapsed.TotalSeconds:0.0} s after its start command; failed attempts {await FailedEmailsAsync() - failedBefore}");
            Assert.Equal(1, delivered);
        }
        finally
        {
            if (!running) await stack.StartAsync("alert-inbox");
        }
    }

    private async Task<double> FailedEmailsAsync() =>
        (await MetricsScrape.TakeAsync(stack.Alertmanager)).Sum("alertmanager_notifications_failed_total", ("integration", "email"));

    private async Task<int> EmailsAsync(string alertname) =>
        (await stack.NotificationsAsync("email")).Count(n => n.GetProperty("title").GetString()!.Contains(alertname, StringComparison.Ordinal));
}
