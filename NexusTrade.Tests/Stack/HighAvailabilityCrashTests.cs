using System.Diagnostics;
using System.Text.Json;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>Crashes in the HA cluster: a member killed, not stopped, while an alert fires.</summary>
[Collection(HighAvailabilityCollection.Name)]
[Trait("Category", "Stack")]
[Trait("Category", "HighAvailability")]
public sealed class HighAvailabilityCrashTests(HighAvailabilityFixture stack, ITestOutputHelper output)
{
    /// <summary>Repetitions: which member pages first and when the crash lands against the gossip differ from run to run.</summary>
    private const int Runs = 3;

    private static readonly string[] Members = HighAvailabilityFixture.AlertmanagerReplicas;

    /// <summary>
    /// A late duplicate would come from a member that flushes the alert's group (its group_wait, then every group
    /// interval) without the sender's notification log entry, after waiting its position times the peer timeout.
    /// </summary>
    private static readonly TimeSpan Settle = AlertmanagerLocalProfile.MaxGroupWait + AlertmanagerLocalProfile.MaxGroupInterval +
                                              (Members.Length - 1) * AlertmanagerComponent.LocalPeerTimeout;

    /// <summary>
    /// SIGKILL of the member that sent the page (named by the PagerDuty event's client_url), while the alert keeps
    /// firing (handed to every member every 5 s, as both Prometheus do): no goodbye to its peers, no last snapshot.
    /// The survivors must keep the silence gossiped before the crash and must not page again; the killed member,
    /// started again, must rejoin and hold that silence and one created while it was down, and must not page again
    /// either. Duplicates and losses are counted over <see cref="Runs"/> runs and must be zero.
    /// </summary>
    [Fact]
    public async Task The_member_that_paged_killed_pages_nobody_twice_loses_no_silence_and_rejoins_with_them()
    {
        var (duplicates, lost, runs) = (0, 0, new List<string>());
        for (var run = 1; run <= Runs; run++)
        {
            await stack.ClearInboxAsync();
            var alert = AlertmanagerApi.ProbeName("HaCrashProbe");
            using var firing = new CancellationTokenSource();
            var resend = ResendAsync(alert, firing.Token);
            string? killed = null;
            try
            {
                var sender = stack.DeliveredBy(await WaitForPageAsync(alert));
                var silence = await AlertmanagerApi.CreateSilenceAsync(stack.Client(sender), AlertmanagerApi.ProbeName("HaCrashSilence"),
                    nameof(HighAvailabilityCrashTests), "created on the member that will crash");
                var survivors = Members.Where(m => m != sender).ToList();
                // Gossiped before the crash: a survivor without it is a loss (counted, so that a run also shows duplicates).
                foreach (var member in survivors) lost += await SilenceActiveWithinAsync(member, silence) ? 0 : 1;

                await stack.KillAsync(sender);
                killed = sender;
                var killedAt = Stopwatch.StartNew();
                var during = await AlertmanagerApi.CreateSilenceAsync(stack.Client(survivors[0]), AlertmanagerApi.ProbeName("HaCrashSilence"),
                    nameof(HighAvailabilityCrashTests), "created while a member is down");

                await stack.StartAsync(sender);
                killed = null;
                await stack.WaitForMembersAsync(sender, Members.Length);
                var rejoined = killedAt.Elapsed;
                foreach (var id in new[] { silence, during })
                {
                    lost += await SilenceActiveWithinAsync(sender, id) ? 0 : 1;
                }
                // Both windows for a duplicate (the survivors after the crash, the rejoined member after its start).
                await Task.Delay(Settle);
                var pages = (await PagesAsync(alert)).Select(stack.DeliveredBy).ToList();
                duplicates += pages.Count - 1;
                runs.Add($"run {run}: {sender} paged and was killed; rejoined after {rejoined.TotalSeconds:0.0} s; pages {pages.Count} ({string.Join(", ", pages)})");
            }
            finally
            {
                await firing.CancelAsync();
                await resend;
                if (killed is not null) await stack.StartAsync(killed);
            }
        }
        output.WriteLine(string.Join(Environment.NewLine, runs));
        output.WriteLine($"over {Runs} runs: {duplicates} duplicate pages, {lost} silences lost");
        Assert.True(duplicates == 0 && lost == 0, $"{duplicates} duplicate pages, {lost} silences lost: {string.Join("; ", runs)}");
    }

    /// <summary>Whether the silence is active on the member within 30 s, gossip's catch-up time with ample room (a loss otherwise).</summary>
    private async Task<bool> SilenceActiveWithinAsync(string member, string id)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await AlertmanagerApi.IsSilenceActiveAsync(stack.Client(member), id)) return true;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        return false;
    }

    /// <summary>The alert handed to every member that answers every 5 s until cancelled, as the Prometheus pair would.</summary>
    private async Task ResendAsync(string alert, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var member in Members)
            {
                try
                {
                    await AlertmanagerApi.PostAlertAsync(stack.Client(member), alert, AlertmanagerApi.PageLabels);
                }
                catch (HttpRequestException)
                {
                    // The killed member: Prometheus too keeps sending to the others.
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<List<JsonElement>> PagesAsync(string alert) =>
        (await stack.NotificationsAsync("pagerduty")).Where(n => n.GetProperty("body").GetRawText().Contains(alert, StringComparison.Ordinal)
            && n.GetProperty("body").GetProperty("event_action").GetString() == "trigger").ToList();

    private async Task<JsonElement> WaitForPageAsync(string alert)
    {
        List<JsonElement> pages = [];
        await StackFixture.EventuallyAsync(async () => (pages = await PagesAsync(alert)).Count > 0, TimeSpan.FromSeconds(60), $"a page for {alert}");
        return pages[0];
    }
}
