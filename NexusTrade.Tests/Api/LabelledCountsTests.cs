using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

public sealed class LabelledCountsTests
{
    [Fact]
    public void Each_label_set_reports_its_running_total_and_appears_only_once_added_to()
    {
        var counts = new LabelledCounts<QuoteSource>(static source => [new("source", source.ToLabel())]);
        Assert.Empty(counts.Observe());

        counts.Add(QuoteSource.Cache);
        counts.Add(QuoteSource.Cache, 2);
        counts.Add(QuoteSource.Stale);

        var observed = counts.Observe().ToDictionary(m => (string)m.Tags.ToArray().Single(t => t.Key == "source").Value!, m => m.Value);
        Assert.Equal(new Dictionary<string, long> { ["cache"] = 3, ["stale"] = 1 }, observed);
    }

    [Fact]
    public async Task Adds_from_many_threads_are_all_counted()
    {
        var counts = new LabelledCounts<CacheResult>(static result => [new("cache.result", result.ToLabel())]);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++) counts.Add(CacheResult.Hit);
        })));
        Assert.Equal(800_000, counts.Observe().Single().Value);
    }
}
