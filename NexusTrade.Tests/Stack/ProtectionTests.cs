using System.Net;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class ProtectionTests(StackFixture stack)
{
    [Fact]
    public async Task A_flooding_client_gets_429_with_retry_after_while_scrapes_still_work()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        // Well over the 200-request burst at once.
        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => stack.Api.GetAsync("/api/quotes/AAPL")));
        try
        {
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            Assert.All(limited, r =>
            {
                Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
                Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            });

            // Probes and scrapes are not rate limited.
            using var health = await stack.Api.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var after = await MetricsScrape.TakeAsync(stack.Api);
            Assert.True(after.Sum("aspnetcore_rate_limiting_requests_total", ("aspnetcore_rate_limiting_result", "global_limiter"))
                >= before.Sum("aspnetcore_rate_limiting_requests_total", ("aspnetcore_rate_limiting_result", "global_limiter")) + limited.Count);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
            // Let the bucket refill before other tests.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
