using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.ServiceDefaults;

/// <summary>
/// ServiceDefaults' <c>Metrics:Port</c>, in process on Kestrel (127.0.0.1, two dynamic ports): with it, /metrics answers on
/// the management port only, whatever Host header a client sends to the public one, and the probes stay where they were;
/// without it (the local stack), /metrics is on the public port as before.
/// </summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task With_a_metrics_port_metrics_answer_only_there_and_the_probes_stay_on_the_public_port()
    {
        var (publicPort, managementPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var app = await StartAsync(managementPort, publicPort, managementPort);
        using var client = new HttpClient();

        var scrape = await client.GetAsync(Url(managementPort, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("http_server", await scrape.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(publicPort, "/metrics"))).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, Url(publicPort, "/metrics"));
        forged.Headers.Host = $"127.0.0.1:{managementPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(forged)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(publicPort, "/health"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(publicPort, "/alive"))).StatusCode);
    }

    [Fact]
    public async Task Without_a_metrics_port_metrics_answer_on_the_public_port()
    {
        var publicPort = LoopbackPorts.Free();
        await using var app = await StartAsync(managementPort: null, publicPort);
        using var client = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(publicPort, "/metrics"))).StatusCode);
    }

    [Fact]
    public async Task An_invalid_metrics_port_fails_at_start_up_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(70000, LoopbackPorts.Free()));

        Assert.Contains("Metrics:Port", error.Message);
    }

    internal static async Task<WebApplication> StartAsync(int? managementPort, params int[] listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. listen.Select(port => Url(port, ""))]);
        if (managementPort is { } port) builder.Configuration["Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture);
        builder.AddServiceDefaults();
        var app = builder.Build();
        try
        {
            app.MapDefaultEndpoints();
            await app.StartAsync();
            // One request on the public port so that the HTTP server metrics have a series to show.
            using var client = new HttpClient();
            await client.GetAsync(Url(listen[0], "/alive"));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    internal static string Url(int port, string path) => $"http://127.0.0.1:{port}{path}";
}
