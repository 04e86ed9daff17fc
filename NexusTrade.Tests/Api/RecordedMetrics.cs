using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

/// <summary>
/// A <see cref="NexusTradeMetrics"/> on a meter factory of its own, and what its counters record. Only that
/// factory's instruments are listened to, so tests running in parallel do not count each other's measurements.
/// </summary>
public sealed class RecordedMetrics : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, string?> Tags)> _recorded = [];

    public RecordedMetrics()
    {
        _services = new ServiceCollection().AddMetrics().AddSingleton<CircuitBreakerStates>().AddSingleton<NexusTradeMetrics>().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            lock (_recorded) _recorded.Add((instrument.Name, value, labels));
        });
        _listener.Start();
        Metrics = _services.GetRequiredService<NexusTradeMetrics>();
    }

    public NexusTradeMetrics Metrics { get; }

    /// <summary>The sum of what <paramref name="instrument"/> recorded with every one of the given labels.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] labels)
    {
        lock (_recorded)
        {
            return _recorded.Where(r => r.Instrument == instrument && labels.All(l => r.Tags.GetValueOrDefault(l.Key) == l.Value)).Sum(r => r.Value);
        }
    }

    /// <summary>Whether <paramref name="instrument"/> recorded anything (a zero included) with the given labels.</summary>
    public bool Recorded(string instrument, params (string Key, string Value)[] labels)
    {
        lock (_recorded)
        {
            return _recorded.Any(r => r.Instrument == instrument && labels.All(l => r.Tags.GetValueOrDefault(l.Key) == l.Value));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
