namespace NexusTrade.Bench;

/// <summary>Lock-free latency histogram with 0.1 ms resolution up to 60 s (larger values land in the last bucket).</summary>
public sealed class Histogram
{
    private const double BucketMs = 0.1;
    private readonly long[] _buckets = new long[600_001];
    private long _count;
    private double _maxMs;
    private readonly Lock _maxGate = new();

    public long Count => Interlocked.Read(ref _count);

    public void Record(double ms)
    {
        if (ms < 0) ms = 0;
        var index = (int)Math.Min(_buckets.Length - 1, ms / BucketMs);
        Interlocked.Increment(ref _buckets[index]);
        Interlocked.Increment(ref _count);
        if (ms > Volatile.Read(ref _maxMs))
        {
            lock (_maxGate) if (ms > _maxMs) _maxMs = ms;
        }
    }

    public double MaxMs => Volatile.Read(ref _maxMs);

    /// <summary>Upper edge of the bucket holding the q-quantile (0..1), in ms.</summary>
    public double Percentile(double q)
    {
        var total = Count;
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(q * total);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank) return (i + 1) * BucketMs;
        }
        return _buckets.Length * BucketMs;
    }

    public void Reset()
    {
        Array.Clear(_buckets);
        Interlocked.Exchange(ref _count, 0);
        lock (_maxGate) _maxMs = 0;
    }
}
