using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>A full disk under one Prometheus of the HA pair: the failure a crash often follows, tested as it happens.</summary>
[Collection(HighAvailabilityCollection.Name)]
[Trait("Category", "Stack")]
[Trait("Category", "HighAvailability")]
public sealed class PrometheusDiskFullTests(HighAvailabilityFixture stack, ITestOutputHelper output)
{
    private const string Alert = "PrometheusTSDBWritesFailing";

    /// <summary>
    /// prometheus-1's data directory is a 64 MiB tmpfs (the fixture mounts it, as root); a file takes all its space, so
    /// every WAL write fails with ENOSPC and every scrape is dropped. PrometheusTSDBWritesFailing must fire for it on
    /// prometheus-0 (prometheus-1 stores nothing, not even its own failures) and page; the API must answer throughout;
    /// once the file is gone prometheus-1 must store samples again without a restart. Bounds: firing within 150 s (the
    /// rule's 30 s for, its 1 m window, a scrape and an evaluation, with room for a loaded machine); stored again within
    /// 60 s (the next scrape, 5 s, plus slack). Times are measured and reported.
    /// </summary>
    [Fact]
    public async Task A_full_disk_pages_from_the_twin_leaves_the_api_answering_and_heals_when_space_returns()
    {
        Assert.True(stack.SmallDisk is not null, stack.SmallDiskProblem);
        var full = HighAvailabilityFixture.SmallDiskPrometheus;
        var instance = stack.Instance(full);
        await stack.StartQuietAsync(Alert);
        using var quotes = new CancellationTokenSource();
        var answers = CountQuoteAnswersAsync(quotes.Token);
        var filler = Path.Combine(stack.SmallDisk, "filler");
        try
        {
            Fill(filler);
            var filledAt = Stopwatch.StartNew();
            await StackFixture.EventuallyAsync(async () =>
                    (await stack.QueryAsync($"ALERTS{{alertname=\"{Alert}\", alertstate=\"firing\", instance=\"{instance}\"}}")).GetArrayLength() > 0,
                TimeSpan.FromSeconds(150), $"{Alert} firing for {instance} on prometheus-0");
            var firing = filledAt.Elapsed;
            await StackFixture.EventuallyAsync(async () => (await stack.NotificationsAsync("pagerduty")).Any(n => n.GetProperty("body").GetRawText().Contains(Alert)),
                TimeSpan.FromSeconds(60), $"a page for {Alert}");
            output.WriteLine($"disk full to {Alert} firing on prometheus-0: {firing.TotalSeconds:0.0} s; to the page: {filledAt.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            File.Delete(filler);
            await quotes.CancelAsync();
        }
        var (ok, failed) = await answers;
        Assert.True(failed.Count == 0, $"the API answered every quote while {full}'s disk was full: {ok} OK, failed: {string.Join(", ", failed)}");

        var freed = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var freedAt = Stopwatch.StartNew();
        await StackFixture.EventuallyAsync(async () => await LatestOwnSampleAsync(full) > freed, TimeSpan.FromSeconds(60), $"{full} storing samples again once space returned");
        output.WriteLine($"space back to {full} storing samples again: {freedAt.Elapsed.TotalSeconds:0.0} s (no restart); quotes served meanwhile: {ok}, none failed");
    }

    /// <summary>Writes until the filesystem is full (ENOSPC ends the write).</summary>
    private static void Fill(string path)
    {
        var block = new byte[1 << 20];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        try
        {
            while (true) file.Write(block);
        }
        catch (IOException)
        {
            // No space left: full.
        }
    }

    /// <summary>The timestamp of the newest <c>up</c> sample in the replica's own TSDB (0 when none).</summary>
    private async Task<double> LatestOwnSampleAsync(string prometheus)
    {
        var response = await stack.Client(prometheus).GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString("max(timestamp(up))"));
        var result = response.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? 0 : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private async Task<(int Ok, List<string> Failed)> CountQuoteAnswersAsync(CancellationToken cancellationToken)
    {
        var (ok, failed) = (0, new List<string>());
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var response = await stack.Api.GetAsync($"/api/quotes/DF{ok % 50}", CancellationToken.None))
            {
                if (response.StatusCode == HttpStatusCode.OK) ok++;
                else failed.Add(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return (ok, failed);
    }
}
