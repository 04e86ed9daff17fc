using System.Net.Http.Json;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Concurrent misses for one symbol make one provider call (single-flight), counted where the vendor would count
/// them: at the simulator's own request counter (<c>GET /stats?symbol=</c>).
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class SingleFlightTests(StackFixture stack, ITestOutputHelper output)
{
    private const int Concurrency = 64;
    private const int Bursts = 6;

    [Fact]
    public async Task Concurrent_requests_for_an_uncached_or_expired_symbol_make_one_provider_call_per_burst()
    {
        var symbol = "SF" + Random.Shared.Next(10_000, 99_999);
        var calls = new List<long>();
        for (var burst = 0; burst < Bursts; burst++)
        {
            // The first burst finds nothing cached; each later one finds the entry expired (Quotes:CacheTtl is 2 s).
            if (burst > 0) await Task.Delay(TimeSpan.FromSeconds(2.5));
            var before = await ProviderCallsAsync(symbol);
            using var start = new SemaphoreSlim(0);
            var requests = Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                await start.WaitAsync();
                using var response = await stack.Api.GetAsync("/api/quotes/" + symbol);
                return response.IsSuccessStatusCode;
            }).ToArray();
            start.Release(Concurrency);
            Assert.All(await Task.WhenAll(requests), Assert.True);
            calls.Add(await ProviderCallsAsync(symbol) - before);
        }

        output.WriteLine($"provider calls per burst of {Concurrency}: {string.Join(", ", calls)}");
        Assert.All(calls, c => Assert.Equal(1, c));
    }

    /// <summary>Calls received by both simulators for the symbol (a fail-over would show as a call to the secondary).</summary>
    private async Task<long> ProviderCallsAsync(string symbol)
    {
        long total = 0;
        foreach (var feed in new[] { "marketfeed-primary", "marketfeed-secondary" })
        {
            var stats = await stack.MarketFeed(feed).GetFromJsonAsync<Stats>("/stats?symbol=" + symbol);
            total += stats!.SymbolRequests ?? 0;
        }
        return total;
    }

    private sealed record Stats(long QuoteRequests, string? Symbol, long? SymbolRequests);
}
