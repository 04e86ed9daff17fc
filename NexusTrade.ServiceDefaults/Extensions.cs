using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every NexusTrade service shares: OpenTelemetry (OTLP to the Aspire dashboard and a
/// Prometheus scrape endpoint), health checks and service discovery. (Resilience is per client, where it is needed: see the API's providers.)
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string MetricsPath = "/metrics";

    /// <summary>Latency buckets (seconds) centred on the latency objectives used by the alerts (250 ms SLO, 0.5 s / 1 s alerts).</summary>
    public static readonly double[] LatencyBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// Instruments of the ASP.NET Core meters that record on every request, or on every buffer Kestrel rents and
    /// returns, and that nothing reads; the SDK does not listen to a dropped instrument, so the framework skips the
    /// recording. (Rate limiting keeps <c>aspnetcore.rate_limiting.requests</c>, its decisions, which the APM dashboard
    /// shows.) The memory pool's four were the largest telemetry cost on the cached route, about 40 % of it
    /// (bench/README.md, "Where the telemetry time goes").
    /// </summary>
    public static readonly IReadOnlySet<string> UnusedPerRequestInstruments = new HashSet<string>(StringComparer.Ordinal)
    {
        "aspnetcore.routing.match_attempts",
        "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.queued_requests",
        "aspnetcore.rate_limiting.request.time_in_queue",
        "aspnetcore.memory_pool.rented",
        "aspnetcore.memory_pool.pooled",
        "aspnetcore.memory_pool.allocated",
        "aspnetcore.memory_pool.evicted",
    };

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] meterNames)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(meterNames);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] meterNames)
        where TBuilder : IHostApplicationBuilder
    {
        var openTelemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Http.Connections")
                    .AddMeter(meterNames)
                    .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBucketsSeconds })
                    .AddView("http.client.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBucketsSeconds })
                    // Recorded on every request but used by no dashboard, alert or runbook (docs/metrics.md): not collected.
                    .AddView(instrument => UnusedPerRequestInstruments.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : null)
                    // No response cache: every scrape reflects the current values (Prometheus scrapes rarely anyway).
                    .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
            });

        // OTLP goes to the Aspire dashboard when the AppHost provides an endpoint; elsewhere only /metrics is used.
        // Traces are recorded only when they are exported: without an exporter every request span was built and dropped,
        // which cost several percent of throughput on the cached quote route (see bench/README.md).
        if (TracesExported(builder.Configuration))
        {
            // Logs go to OTLP too, and only then: without an exporter the OpenTelemetry logger processed every record and,
            // with scopes included, made every request and connection push its logging scopes for nobody (bench/README.md, (a)).
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            openTelemetry.WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(options =>
                        // Probes and scrapes are noise in traces.
                        options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                    .AddHttpClientInstrumentation();
            });
            openTelemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>True when an OTLP endpoint is configured, so that traces and logs have somewhere to go.</summary>
    public static bool TracesExported(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every check), <c>/alive</c> (liveness: the process answers) and <c>/metrics</c>: on
    /// every port, or with <see cref="MetricsOptions.Port"/> only on connections to that port (the cluster's management
    /// port, which its NetworkPolicy opens to Prometheus alone).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } port)
        {
            // The local port of the connection, not RequireHost: a Host header naming the port is any client's to send.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == MetricsPath);
        }
        else
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        return app;
    }

    public static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath) || path.StartsWithSegments(MetricsPath);
}
