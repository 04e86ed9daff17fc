using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Hosting;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The whole NexusTrade stack, started once for every integration test: the real AppHost in host mode (real Redis,
/// Prometheus, Alertmanager and exporters from Debian packages), with its own state directory and dynamic ports.
/// Disposing it stops every process it started.
/// </summary>
public class StackFixture : IAsyncLifetime
{
    /// <summary>The resources that must become healthy (Grafana only when a grafana binary exists; it is checked separately).</summary>
    public static readonly string[] CoreResources =
        ["redis", "marketfeed-primary", "marketfeed-secondary", "api", "node-exporter", "redis-exporter", "blackbox-exporter", "alert-inbox", "alertmanager", "prometheus"];

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "nexustrade-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public TimeSpan StartupTime { get; private set; }

    public HttpClient Api { get; private set; } = null!;
    public HttpClient Prometheus { get; private set; } = null!;
    public HttpClient Alertmanager { get; private set; } = null!;
    public HttpClient Inbox { get; private set; } = null!;

    public HttpClient MarketFeed(string name) => Client(name);

    /// <summary>One redis-cli command against the stack's Redis, the password in REDISCLI_AUTH (never on a command line).</summary>
    public async Task<string> RedisCliAsync(params string[] command)
    {
        var connection = await App.GetConnectionStringAsync("redis") ?? throw new InvalidOperationException("redis has no connection string");
        var parts = connection.Split(',');
        var (host, port) = (parts[0].Split(':')[0], parts[0].Split(':')[1]);
        var password = parts.Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        var (exitCode, reply) = await ToolRunner.RunAsync("redis-cli", ["-h", host, "-p", port, .. command], TimeSpan.FromSeconds(10),
            environment: new Dictionary<string, string> { ["REDISCLI_AUTH"] = password });
        Assert.True(exitCode == 0, $"redis-cli {string.Join(' ', command)}: {reply}");
        return reply.Trim();
    }

    /// <summary>The API's quote stream, <c>ws://…/ws/quotes</c>.</summary>
    public Uri QuoteStreamUri => new UriBuilder(Api.BaseAddress!) { Scheme = "ws", Path = "/ws/quotes" }.Uri;

    public string StateDirectory => _stateDirectory;

    /// <summary>What each resource logged lately (for a failing test's message).</summary>
    public ResourceLogRecorder Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        await PrepareStateDirectoryAsync(_stateDirectory);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(Arguments(_stateDirectory), ConfigureOptions);
        // The recorder keeps every forwarded line: a service's error entry arrives as several Information-level lines.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs).AddFilter<ResourceLogRecorder>(null, LogLevel.Information));
        Configure(builder);
        // No standard resilience handler: tests must see failures as they happen, not retried away.
        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartupTimeout);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in HealthyResources)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        StartupTime = started.Elapsed;

        Api = Client(ApiResource);
        Prometheus = Client(PrometheusResource);
        Alertmanager = Client(AlertmanagerResource);
        Inbox = Client("alert-inbox");
    }

    /// <summary>
    /// A client of a resource's HTTP endpoint (one replica of several, for example), logged in where the resource
    /// requires the monitoring login (Prometheus, Alertmanager), as Grafana and Prometheus are.
    /// </summary>
    public HttpClient Client(string resource)
    {
        var client = Anonymous(resource);
        if (LoginPassword(resource) is { } password) client.DefaultRequestHeaders.Authorization = LocalMonitoringLogin.Header(password);
        return client;
    }

    /// <summary>A client of a resource's HTTP endpoint without any credentials.</summary>
    public HttpClient Anonymous(string resource) => App.CreateHttpClient(resource, "http");

    /// <summary>The monitoring password where <paramref name="resource"/> requires the login (from the app model), else null.</summary>
    public string? LoginPassword(string resource) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource).LoginPassword() is { } parameter
            ? parameter.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()
            : null;

    /// <summary>The resources that must be healthy before the first test.</summary>
    protected virtual IEnumerable<string> HealthyResources => CoreResources;

    /// <summary>The resources behind <see cref="Api"/>, <see cref="Prometheus"/> and <see cref="Alertmanager"/>.</summary>
    protected virtual string ApiResource => "api";

    protected virtual string PrometheusResource => "prometheus";

    protected virtual string AlertmanagerResource => "alertmanager";

    /// <summary>How long the stack may take to become healthy.</summary>
    protected virtual TimeSpan StartupTimeout => TimeSpan.FromMinutes(4);

    /// <summary>Whether Prometheus scrapes <paramref name="job"/> where this runtime puts it (host mode: loopback only).</summary>
    public virtual bool IsExpectedScrapeAddress(string job, string instance) => instance.StartsWith("127.0.0.1:", StringComparison.Ordinal);

    /// <summary>Whether Prometheus's Alertmanager <paramref name="url"/> is this stack's (host mode: the same loopback port).</summary>
    public virtual bool IsStackAlertmanager(Uri url, Uri alertmanagerEndpoint) => url.Port == alertmanagerEndpoint.Port;

    /// <summary>The AppHost's command line: host mode, this fixture's own state directory, ports as the testing builder picks them.</summary>
    protected virtual string[] Arguments(string stateDirectory) =>
        ["--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={stateDirectory}"];

    /// <summary>Options of the AppHost under test (the testing builder turns the Aspire dashboard off by default).</summary>
    protected virtual void ConfigureOptions(DistributedApplicationOptions options, HostApplicationBuilderSettings settings)
    {
    }

    /// <summary>Before anything starts: what a fixture sets up under its state directory (a mount, for example).</summary>
    protected virtual Task PrepareStateDirectoryAsync(string stateDirectory) => Task.CompletedTask;

    /// <summary>A last look at the builder before the app is built (logging, for example).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Stops a resource, waits until its process has exited (so its port and data directory are free), starts it
    /// again and waits until it is healthy: a restart as an operator would do it.
    /// </summary>
    public async Task RestartAsync(string resource)
    {
        await StopAsync(resource);
        await StartAsync(resource);
    }

    /// <summary>Runs a resource command (a button in the dashboard) and fails the test if it did not succeed.</summary>
    public async Task ExecuteCommandAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, timeout.Token);
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}");
    }

    /// <summary>Stops a resource and waits until its process has exited.</summary>
    public async Task StopAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand);
        await App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
    }

    /// <summary>Starts a stopped resource and waits until it is running and healthy.</summary>
    public async Task StartAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        await App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == "Running", timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    /// <summary>Runs an instant PromQL query and returns the result vector.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        var response = await Prometheus.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        Assert.Equal("success", response.GetProperty("status").GetString());
        return response.GetProperty("data").GetProperty("result");
    }

    /// <summary>Waits until no alert of that name is pending or firing: a quiet start for a test that makes it fire.</summary>
    public Task WaitForNoAlertAsync(string alertname) =>
        EventuallyAsync(async () => (await QueryAsync($"ALERTS{{alertname=\"{alertname}\"}}")).GetArrayLength() == 0,
            TimeSpan.FromSeconds(180), $"no {alertname} alert pending or firing");

    /// <summary>A quiet start for a test that makes <paramref name="alertname"/> fire: none pending or firing, an empty inbox.</summary>
    public async Task StartQuietAsync(string alertname)
    {
        await WaitForNoAlertAsync(alertname);
        await ClearInboxAsync();
    }

    public async Task ClearInboxAsync() => (await Inbox.DeleteAsync("/inbox/notifications")).EnsureSuccessStatusCode();

    /// <summary>What the alert inbox received on a channel (slack, pagerduty, email, webhook:NAME), as JSON.</summary>
    public async Task<List<JsonElement>> NotificationsAsync(string channel) =>
        await Inbox.GetFromJsonAsync<List<JsonElement>>("/inbox/notifications?channel=" + Uri.EscapeDataString(channel)) ?? [];

    public async Task SetFaultsAsync(string feed, object faults)
    {
        using var response = await MarketFeed(feed).PutAsJsonAsync("/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public async Task ResetFaultsAsync()
    {
        foreach (var feed in new[] { "marketfeed-primary", "marketfeed-secondary" })
        {
            using var response = await MarketFeed(feed).PostAsync("/faults/reset", null);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// After a fault test: waits until quotes come from the primary again, i.e. its circuit breaker has gone
    /// half-open and closed, so the next test starts from a healthy chain.
    /// </summary>
    public async Task WaitForPrimaryProviderAsync()
    {
        await EventuallyAsync(async () =>
        {
            using var response = await Api.GetAsync("/api/quotes/R" + Random.Shared.Next(10_000, 99_999));
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"provider\":\"marketfeed-primary\"");
        }, TimeSpan.FromSeconds(60), "quotes served by marketfeed-primary again");
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        EventuallyAsync(condition, timeout, () => what);

    /// <summary>As above, with a description computed when the wait fails (it can say what is still missing).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return;
            if (deadline.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what()}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "NexusTrade stack";
}
