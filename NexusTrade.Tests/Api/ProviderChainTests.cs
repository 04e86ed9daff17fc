using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NexusTrade.Api.Providers;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

/// <summary>
/// The provider chain with its real Polly pipelines; only the network under HttpClient is replaced, by a transport
/// that answers per host the way a vendor would (a quote, a 500, silence).
/// </summary>
public sealed class ProviderChainTests
{
    private const string QuoteJson = """{"c":101.5,"d":1.5,"dp":1.5,"h":102,"l":99,"o":100,"pc":100,"t":1764230400}""";

    private sealed class VendorTransport(Func<Uri, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Assert.Equal("k3y-for-tests", request.Headers.GetValues("X-Finnhub-Token").Single());
            return answer(request.RequestUri!, cancellationToken);
        }
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static (ProviderChain Chain, CircuitBreakerStates States, ServiceProvider Services) Build(VendorTransport transport)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MarketData:Providers:0:Name"] = "primary",
            ["MarketData:Providers:0:BaseUrl"] = "http://primary.test",
            ["MarketData:Providers:0:ApiKey"] = "k3y-for-tests",
            ["MarketData:Providers:1:Name"] = "secondary",
            ["MarketData:Providers:1:BaseUrl"] = "http://secondary.test",
            ["MarketData:Providers:1:ApiKey"] = "k3y-for-tests",
            ["MarketData:AttemptTimeout"] = "00:00:00.200",
            ["MarketData:TotalTimeout"] = "00:00:00.500",
            ["MarketData:RetryAttempts"] = "1",
            ["MarketData:RetryDelay"] = "00:00:00.001",
            ["MarketData:MinimumThroughput"] = "2",
            ["MarketData:SamplingDuration"] = "00:00:30",
            ["MarketData:BreakDuration"] = "00:00:30",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<NexusTradeMetrics>();
        builder.AddMarketDataProviders();
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => transport));
        var services = builder.Services.BuildServiceProvider();
        return (services.GetRequiredService<ProviderChain>(), services.GetRequiredService<CircuitBreakerStates>(), services);
    }

    [Fact]
    public async Task The_first_healthy_provider_answers()
    {
        var (chain, _, services) = Build(new VendorTransport((_, _) => Task.FromResult(Json(QuoteJson))));
        await using var _ = services;
        var result = await chain.FetchAsync("AAPL", CancellationToken.None);
        Assert.Equal(ProviderChainStatus.Found, result.Status);
        Assert.Equal("primary", result.Quote!.Provider);
        Assert.Equal(101.5m, result.Quote.Price);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764230400), result.Quote.VendorTimestamp);
    }

    [Fact]
    public async Task Errors_fail_over_and_then_open_the_breaker()
    {
        var transport = new VendorTransport((uri, _) => Task.FromResult(uri.Host == "primary.test"
            ? Json("""{"error":"boom"}""", HttpStatusCode.InternalServerError)
            : Json(QuoteJson)));
        var (chain, states, services) = Build(transport);
        await using var _ = services;

        var result = await chain.FetchAsync("AAPL", CancellationToken.None);
        Assert.Equal("secondary", result.Quote!.Provider);
        Assert.Equal(CircuitState.Open, states.Get("primary"));

        // With the breaker open, the primary is not called at all.
        var calls = transport.Calls;
        result = await chain.FetchAsync("MSFT", CancellationToken.None);
        Assert.Equal("secondary", result.Quote!.Provider);
        Assert.Equal(calls + 1, transport.Calls);
    }

    [Fact]
    public async Task A_silent_provider_times_out_and_the_next_one_answers()
    {
        var transport = new VendorTransport(async (uri, cancellationToken) =>
        {
            if (uri.Host == "primary.test") await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Json(QuoteJson);
        });
        var (chain, _, services) = Build(transport);
        await using var _ = services;
        var started = DateTime.UtcNow;
        var result = await chain.FetchAsync("AAPL", CancellationToken.None);
        Assert.Equal("secondary", result.Quote!.Provider);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the total timeout bounds the wait");
    }

    [Fact]
    public async Task When_every_provider_fails_the_reason_names_each_of_them()
    {
        var (chain, _, services) = Build(new VendorTransport((_, _) => Task.FromResult(Json("{}", HttpStatusCode.ServiceUnavailable))));
        await using var _ = services;
        var result = await chain.FetchAsync("AAPL", CancellationToken.None);
        Assert.Equal(ProviderChainStatus.AllFailed, result.Status);
        Assert.Contains("primary", result.FailureSummary);
        Assert.Contains("secondary", result.FailureSummary);
    }

    [Fact]
    public async Task An_all_zero_answer_means_an_unknown_symbol()
    {
        var (chain, _, services) = Build(new VendorTransport((_, _) => Task.FromResult(Json("""{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}"""))));
        await using var _ = services;
        Assert.Equal(ProviderChainStatus.UnknownSymbol, (await chain.FetchAsync("NOPE", CancellationToken.None)).Status);
    }
}
