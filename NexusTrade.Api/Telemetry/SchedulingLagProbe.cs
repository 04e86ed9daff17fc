using System.Diagnostics;

namespace NexusTrade.Api.Telemetry;

/// <summary>
/// Ticks every <see cref="Interval"/> on the thread pool and records how late each tick ran. When the pool is
/// starved or blocked, ticks run late long before requests time out.
/// </summary>
public sealed class SchedulingLagProbe(NexusTradeMetrics metrics) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var last = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Stopwatch.GetTimestamp();
                var lag = Stopwatch.GetElapsedTime(last, now) - Interval;
                metrics.SchedulingLag(lag > TimeSpan.Zero ? lag : TimeSpan.Zero);
                last = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
