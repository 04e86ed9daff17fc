using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.ServiceDefaults;

/// <summary>
/// The instruments ServiceDefaults drops (<see cref="ServiceDefaultsExtensions.UnusedPerRequestInstruments"/>) are not
/// listened to at all, so ASP.NET Core skips their recording, which is what they cost; they are absent from /metrics
/// while the ones the dashboards read are there. In process on Kestrel, with the app's own meter factory.
/// </summary>
public sealed class DroppedInstrumentsTests
{
    [Fact]
    public async Task Dropped_instruments_are_neither_recorded_nor_exported_and_the_read_ones_are()
    {
        var port = LoopbackPorts.Free();
        await using var app = await MetricsPortTests.StartAsync(managementPort: null, port);
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        var published = new List<Instrument>();
        using var listener = new MeterListener();
        // Only this app's instruments (tests in parallel have their own); this listener enables none of them.
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory)) published.Add(instrument);
        };
        listener.Start();

        var dropped = published.Where(i => ServiceDefaultsExtensions.UnusedPerRequestInstruments.Contains(i.Name)).ToList();
        // Kestrel's memory pool publishes its instruments in every app, so the check below has something to check.
        Assert.Contains(dropped, i => i.Name == "aspnetcore.memory_pool.rented");
        Assert.All(dropped, i => Assert.False(i.Enabled, $"{i.Meter.Name} {i.Name} is listened to, so the framework records it on the hot path"));
        Assert.True(published.Single(i => i.Name == "http.server.request.duration").Enabled);

        using var client = new HttpClient();
        var exported = await client.GetStringAsync(MetricsPortTests.Url(port, "/metrics"));
        Assert.Contains("http_server_request_duration_seconds", exported);
        Assert.All(ServiceDefaultsExtensions.UnusedPerRequestInstruments, name => Assert.DoesNotContain(name.Replace('.', '_'), exported));
    }
}
