namespace NexusTrade.Api.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The NexusTrade instruments (exported by the service defaults under <see cref="NexusTradeMetrics.MeterName"/>) and the scheduling-lag probe.</summary>
    public static IHostApplicationBuilder AddApiMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NexusTradeMetrics>();
        builder.Services.AddHostedService<SchedulingLagProbe>();
        return builder;
    }
}
