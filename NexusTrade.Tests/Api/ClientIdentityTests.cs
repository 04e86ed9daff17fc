using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Http;
using NexusTrade.Api.Protection;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Api;

/// <summary>
/// The API's rate limiter behind a proxy, in process on Kestrel (127.0.0.1, the "proxy" being this test's client): with
/// the peer trusted, each X-Forwarded-For client has its own budget; with it untrusted, forged headers change nothing.
/// Budgets are 2 requests (refilled 1 per second), so 6 quick requests of one client always meet a 429.
/// </summary>
public sealed class ClientIdentityTests
{
    private const int Requests = 6;

    [Fact]
    public async Task Two_clients_behind_one_trusted_proxy_get_separate_budgets()
    {
        await using var api = await StartAsync(new() { ["ClientIdentity:TrustedProxies:0"] = "127.0.0.1" });

        var first = await SendAsync(api, Requests, _ => ("X-Forwarded-For", "203.0.113.7"));
        var second = await SendAsync(api, 1, _ => ("X-Forwarded-For", "198.51.100.23"));

        Assert.Contains(HttpStatusCode.TooManyRequests, first);
        Assert.Equal([HttpStatusCode.OK], second);
    }

    [Fact]
    public async Task A_forged_forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        await using var api = await StartAsync(new() { ["ClientIdentity:TrustedNetworks:0"] = "10.244.0.0/16" });

        // A new "client" in every request: had the header been believed, none would be limited.
        var forged = await SendAsync(api, Requests, i => ("X-Forwarded-For", $"203.0.113.{i + 1}"));

        Assert.Contains(HttpStatusCode.TooManyRequests, forged);
    }

    [Fact]
    public async Task An_api_key_passed_on_by_a_trusted_gateway_is_the_clients_identity()
    {
        await using var api = await StartAsync(new()
        {
            ["ClientIdentity:TrustedProxies:0"] = "127.0.0.1",
            ["ClientIdentity:ApiKeyHeader"] = "X-Api-Key",
        });

        var first = await SendAsync(api, Requests, _ => ("X-Api-Key", "key-of-client-one"));
        var second = await SendAsync(api, 1, _ => ("X-Api-Key", "key-of-client-two"));

        Assert.Contains(HttpStatusCode.TooManyRequests, first);
        Assert.Equal([HttpStatusCode.OK], second);
    }

    [Fact]
    public async Task An_api_key_from_an_untrusted_peer_is_ignored()
    {
        await using var api = await StartAsync(new() { ["ClientIdentity:ApiKeyHeader"] = "X-Api-Key" });

        var rotated = await SendAsync(api, Requests, i => ("X-Api-Key", $"made-up-key-{i}"));

        Assert.Contains(HttpStatusCode.TooManyRequests, rotated);
    }

    [Theory]
    [InlineData("ClientIdentity:TrustedNetworks:0", "10.244.0.0/33", "ClientIdentity:TrustedNetworks:0 ('10.244.0.0/33')")]
    [InlineData("ClientIdentity:TrustedProxies:0", "ingress-nginx", "ClientIdentity:TrustedProxies:0 ('ingress-nginx')")]
    [InlineData("ClientIdentity:ForwardLimit", "0", "ClientIdentity:ForwardLimit")]
    public async Task Invalid_settings_stop_the_start_naming_the_key(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));

        Assert.Contains(expected, error.Message);
    }

    private static async Task<List<HttpStatusCode>> SendAsync(WebApplication api, int count, Func<int, (string Name, string Value)> header)
    {
        using var client = new HttpClient { BaseAddress = new Uri(api.Urls.Single()) };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/limited");
            var (name, value) = header(i);
            request.Headers.Add(name, value);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        return statuses;
    }

    /// <summary>The API's own protection (AddRateLimiting, UseClientIdentity, UseRateLimiter) in front of one endpoint.</summary>
    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPorts.Free()}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["RateLimiting:PermitsPerSecond"] = "1",
            ["RateLimiting:Burst"] = "2",
        });
        builder.AddProblemResponses();
        builder.AddRateLimiting();
        var app = builder.Build();
        try
        {
            app.UseClientIdentity();
            app.UseRateLimiter();
            app.MapGet("/limited", () => Results.Ok());
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
