using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NexusTrade.Api.Telemetry;

/// <summary>
/// A counter added to on every request whose label sets are few and fixed (enums, configured names): one interlocked
/// add per measurement, read by an <see cref="ObservableCounter{T}"/> when /metrics is scraped. A
/// <see cref="Counter{T}"/> hands every measurement to the SDK, which looks its tag set up each time: several times the
/// cost on the cached quote route (bench/README.md, "Telemetry"). Exported the same way: name, unit, labels and a
/// monotonic sum; a label set appears once it was first added to, as a counter's does.
/// </summary>
public sealed class LabelledCounts<TKey>(Func<TKey, KeyValuePair<string, object?>[]> labels) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public void Add(TKey key, long value = 1)
    {
        if (!_entries.TryGetValue(key, out var entry)) entry = _entries.GetOrAdd(key, static (k, make) => new Entry(make(k)), labels);
        Interlocked.Add(ref entry.Count, value);
    }

    /// <summary>The callback of the observable counter: the running total of every label set seen so far.</summary>
    public IEnumerable<Measurement<long>> Observe() =>
        _entries.Values.Select(static e => new Measurement<long>(Interlocked.Read(ref e.Count), e.Labels));

    private sealed class Entry(KeyValuePair<string, object?>[] labels)
    {
        public long Count;
        public readonly KeyValuePair<string, object?>[] Labels = labels;
    }
}
