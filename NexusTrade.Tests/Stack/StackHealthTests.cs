using System.Net;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class StackHealthTests(StackFixture stack, Xunit.Abstractions.ITestOutputHelper output) : StackHealthChecks(stack, output)
{
    /// <summary>The cluster's Alertmanager probe, as published, against the real Alertmanager (Debian's amtool).</summary>
    [Fact]
    public Task The_published_alertmanager_probe_logs_in_with_the_password_file() => MonitoringLoginChecks.The_alertmanager_probe_logs_in(Stack, "alertmanager");
}

/// <summary>The stack's health as every runtime must show it (host mode: <see cref="StackHealthTests"/>; container mode too).</summary>
public abstract class StackHealthChecks(StackFixture stack, Xunit.Abstractions.ITestOutputHelper output)
{
    protected StackFixture Stack => stack;

    [Fact]
    public Task Prometheus_and_Alertmanager_answer_only_to_the_monitoring_login() => MonitoringLoginChecks.Every_path_requires_the_login(stack, output);

    [Fact]
    public void Every_resource_reports_healthy()
    {
        output.WriteLine($"Cold start to all resources healthy: {stack.StartupTime.TotalSeconds:0.0} s");
        foreach (var resource in StackFixture.CoreResources)
        {
            var state = stack.App.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.HealthStatus : null;
            Assert.True(state == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, $"{resource} is {state?.ToString() ?? "unknown"}");
        }
    }

    [Fact]
    public async Task Api_health_includes_redis_and_alive_answers()
    {
        var health = JsonDocument.Parse(await stack.Api.GetStringAsync("/health")).RootElement;
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        using var alive = await stack.Api.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Api_serves_prometheus_metrics()
    {
        await stack.Api.GetAsync("/api/quotes/AAPL");
        var metrics = await stack.Api.GetStringAsync("/metrics");
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", metrics);
        Assert.Contains("nexustrade_cache_lookups_total{", metrics);
        Assert.Contains("nexustrade_circuit_breaker_state{", metrics);
        Assert.Contains("dotnet_process_memory_working_set_bytes", metrics);
    }

    /// <summary>
    /// Redis as it runs, asked with CONFIG GET: the repository's settings (RedisSettings), whichever way the runtime
    /// passes them (a redis.conf in host mode, redis-server flags through Aspire's command line in container mode).
    /// </summary>
    [Fact]
    public async Task Redis_serves_with_the_repository_settings()
    {
        var settings = RedisSettings.Default;
        Assert.Equal($"maxmemory-policy\n{settings.MaxMemoryPolicy}", await stack.RedisCliAsync("CONFIG", "GET", "maxmemory-policy"));
        Assert.Equal($"appendonly\n{(settings.AppendOnly ? "yes" : "no")}", await stack.RedisCliAsync("CONFIG", "GET", "appendonly"));
        Assert.Equal($"maxmemory\n{RedisBytes(settings.MaxMemory)}", await stack.RedisCliAsync("CONFIG", "GET", "maxmemory"));
    }

    /// <summary>Redis's memory units as CONFIG GET reports them: "256mb" is 256 MiB in bytes.</summary>
    private static long RedisBytes(string value) =>
        long.Parse(value[..^2], System.Globalization.CultureInfo.InvariantCulture) * value[^2..].ToLowerInvariant() switch
        {
            "kb" => 1024L, "mb" => 1024L * 1024, "gb" => 1024L * 1024 * 1024,
            _ => throw new ArgumentException($"'{value}': a unit kb, mb or gb"),
        };

    [Fact]
    public async Task Prometheus_reports_every_scrape_target_up()
    {
        string[] jobs = ["api", "marketfeed-primary", "marketfeed-secondary", "alert-inbox", "prometheus", "alertmanager", "node-exporter", "redis-exporter"];
        await StackFixture.EventuallyAsync(async () =>
        {
            var targets = JsonDocument.Parse(await stack.Prometheus.GetStringAsync("/api/v1/targets")).RootElement
                .GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                // A job may have several targets (the blackbox job one per probe): every one of them must be up.
                .GroupBy(t => t.GetProperty("labels").GetProperty("job").GetString()!)
                .ToDictionary(job => job.Key, job => job.All(t => t.GetProperty("health").GetString() == "up"));
            return jobs.All(job => targets.GetValueOrDefault(job));
        }, TimeSpan.FromSeconds(60), "every job up: " + string.Join(", ", jobs));

        foreach (var job in jobs)
        {
            var up = await stack.QueryAsync($"up{{job=\"{job}\"}}");
            Assert.Equal("1", up[0].GetProperty("value")[1].GetString());
            var address = up[0].GetProperty("metric").GetProperty("instance").GetString()!;
            Assert.True(stack.IsExpectedScrapeAddress(job, address), $"{job} is scraped at {address}");
        }
    }

    [Fact]
    public async Task Alertmanager_is_ready_and_known_to_prometheus()
    {
        using var ready = await stack.Alertmanager.GetAsync("/-/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var alertmanagerUrl = stack.App.GetEndpoint("alertmanager", "http");
        await StackFixture.EventuallyAsync(async () =>
        {
            var known = JsonDocument.Parse(await stack.Prometheus.GetStringAsync("/api/v1/alertmanagers")).RootElement
                .GetProperty("data").GetProperty("activeAlertmanagers").EnumerateArray()
                .Select(a => new Uri(a.GetProperty("url").GetString()!));
            return known.Any(url => stack.IsStackAlertmanager(url, alertmanagerUrl));
        }, TimeSpan.FromSeconds(30), "Prometheus lists the stack's Alertmanager");
    }

    [Fact]
    public async Task Prometheus_loaded_the_repository_rules()
    {
        var rules = JsonDocument.Parse(await stack.Prometheus.GetStringAsync("/api/v1/rules")).RootElement;
        var names = rules.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString()).ToHashSet();
        Assert.Contains("Watchdog", names);
        Assert.Contains("DataProviderFailing", names);
    }
}
