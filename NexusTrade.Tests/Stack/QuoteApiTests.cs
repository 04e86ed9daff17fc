using System.Net;
using System.Text.Json;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class QuoteApiTests(StackFixture stack)
{
    [Fact]
    public async Task A_quote_comes_from_a_provider_then_from_the_cache()
    {
        var symbol = "Q" + Random.Shared.Next(1000, 9999);
        var first = await GetQuoteAsync(symbol);
        Assert.Equal(symbol, first.GetProperty("symbol").GetString());
        Assert.False(first.GetProperty("fromCache").GetBoolean());
        Assert.Equal("marketfeed-primary", first.GetProperty("provider").GetString());
        Assert.True(first.GetProperty("price").GetDecimal() > 0);
        foreach (var field in new[] { "change", "changePercent", "open", "high", "low", "previousClose", "vendorTimestamp", "ageSeconds", "stale" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"quote has {field}");
        }

        var second = await GetQuoteAsync(symbol.ToLowerInvariant());
        Assert.True(second.GetProperty("fromCache").GetBoolean());
        Assert.Equal(first.GetProperty("price").GetDecimal(), second.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Several_quotes_come_back_in_one_request()
    {
        var body = JsonDocument.Parse(await stack.Api.GetStringAsync("/api/quotes?symbols=AAPL,MSFT,aapl")).RootElement;
        var symbols = body.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()!).ToArray();
        Assert.Equal(new[] { "AAPL", "MSFT" }, symbols);
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/quotes/x!", "Invalid symbol")]
    [InlineData("/api/quotes/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Invalid symbol")]
    [InlineData("/api/quotes/1ABC", "Invalid symbol")]
    [InlineData("/api/quotes?symbols=", "Missing symbols")]
    [InlineData("/api/quotes", "Missing symbols")]
    [InlineData("/api/quotes?symbols=AAPL&symbols=MSFT", "Missing symbols")]
    [InlineData("/api/quotes?symbols=AAPL,<script>", "Invalid symbol")]
    [InlineData("/api/quotes?symbols=A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T,U,V,W,X,Y,Z", "Too many symbols")]
    public async Task Bad_input_is_a_problem_json_400(string path, string title)
    {
        using var response = await stack.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problem_json()
    {
        using var notFound = await stack.Api.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);

        using var wrongMethod = await stack.Api.PostAsync("/api/quotes/AAPL", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);

        using var plainGetOnWebSocket = await stack.Api.GetAsync("/ws/quotes");
        Assert.Equal(HttpStatusCode.BadRequest, plainGetOnWebSocket.StatusCode);
        Assert.Equal("application/problem+json", plainGetOnWebSocket.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_api_sends_no_server_banner()
    {
        using var response = await stack.Api.GetAsync("/api/quotes/AAPL");
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task An_outage_of_the_primary_fails_over_to_the_secondary()
    {
        try
        {
            await stack.SetFaultsAsync("marketfeed-primary", new { outage = true });
            var symbol = "F" + Random.Shared.Next(1000, 9999);
            var quote = await GetQuoteAsync(symbol);
            Assert.Equal("marketfeed-secondary", quote.GetProperty("provider").GetString());
            Assert.False(quote.GetProperty("stale").GetBoolean());

            var failovers = await stack.Api.GetStringAsync("/metrics");
            Assert.Contains("nexustrade_provider_failovers_total{otel_scope_name=\"NexusTrade.Api\",from_provider=\"marketfeed-primary\",to_provider=\"marketfeed-secondary\"}", failovers);
        }
        finally
        {
            await stack.ResetFaultsAsync();
            await stack.WaitForPrimaryProviderAsync();
        }
    }

    private async Task<JsonElement> GetQuoteAsync(string symbol)
    {
        using var response = await stack.Api.GetAsync("/api/quotes/" + symbol);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/quotes/{symbol}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
