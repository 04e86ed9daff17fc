using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Alerting.Harness;

/// <summary>
/// The real Alertmanager binary (the one the host-mode stack runs) on a loopback port with a config derived from
/// <c>prometheus/alertmanager.yml</c>: same routes, time intervals and inhibitions, every receiver a webhook into
/// <see cref="WebhookSink"/>. Started and stopped by the test that owns it (its own process, killed by PID).
/// </summary>
public sealed class TestAlertmanager : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private TestAlertmanager(Process process, DirectoryInfo directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        Api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Api { get; }

    private static string Binary =>
        Environment.GetEnvironmentVariable("ALERTMANAGER") is { Length: > 0 } path ? path : "prometheus-alertmanager";

    /// <summary>Starts Alertmanager with <paramref name="config"/> (YAML text) and waits until it is ready.</summary>
    public static async Task<TestAlertmanager> StartAsync(string config)
    {
        var directory = Directory.CreateTempSubdirectory("nexustrade-am-test-");
        var configFile = Path.Combine(directory.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, config);
        var port = FreePort();
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { $"--config.file={configFile}", $"--storage.path={Path.Combine(directory.FullName, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", AlertmanagerSettings.NoClusterArg })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Binary}");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var alertmanager = new TestAlertmanager(process, directory, new Uri($"http://127.0.0.1:{port}"));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await alertmanager.Api.GetAsync("/-/ready")).IsSuccessStatusCode) return alertmanager;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
            }

            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await alertmanager.DisposeAsync();
                throw new InvalidOperationException($"{Binary} did not become ready (exited: {process.HasExited})");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Posts alerts as Prometheus does: label sets, firing for the next minutes.</summary>
    public async Task PostAsync(params IReadOnlyDictionary<string, string>[] alerts)
    {
        var body = alerts.Select(labels => new { labels, annotations = new Dictionary<string, string> { ["summary"] = "test" }, endsAt = DateTimeOffset.UtcNow.AddMinutes(10) });
        (await Api.PostAsJsonAsync("/api/v2/alerts", body)).EnsureSuccessStatusCode();
    }

    /// <summary>The alerts Alertmanager holds, with their status (state, inhibitedBy).</summary>
    public async Task<List<JsonElement>> AlertsAsync() =>
        await Api.GetFromJsonAsync<List<JsonElement>>("/api/v2/alerts?active=true&inhibited=true&silenced=true") ?? [];

    /// <summary>
    /// <c>prometheus/alertmanager.yml</c> with every receiver replaced by a webhook to <paramref name="sink"/>, no
    /// vendor globals or templates, and group timers of one second, so that a test sees a notification within seconds.
    /// <paramref name="intervals"/> replaces the named time intervals' definitions (see <see cref="MarketHoursProfile.Always"/>, <see cref="MarketHoursProfile.Never"/>).
    /// </summary>
    public static string ProductionConfigFor(WebhookSink sink, IReadOnlyDictionary<string, YamlSequenceNode>? intervals = null)
    {
        var root = (YamlMappingNode)RuleFiles.LoadYaml(RepoPaths.Combine("prometheus", "alertmanager.yml"))!;
        root.Children.Remove(new YamlScalarNode("templates"));
        root.Children[new YamlScalarNode("global")] = new YamlMappingNode { { "resolve_timeout", "5m" } };
        var receivers = (YamlSequenceNode)root.Children[new YamlScalarNode("receivers")];
        foreach (var receiver in receivers.OfType<YamlMappingNode>())
        {
            var name = receiver.Children[new YamlScalarNode("name")].ToString();
            receiver.Children.Clear();
            receiver.Add("name", name);
            receiver.Add("webhook_configs", new YamlSequenceNode(new YamlMappingNode { { "url", $"{sink.BaseUrl}{name}" }, { "send_resolved", "false" } }));
        }

        ShortenTimers((YamlMappingNode)root.Children[new YamlScalarNode("route")]);
        if (intervals is not null && root.Children.TryGetValue(new YamlScalarNode("time_intervals"), out var defined))
        {
            foreach (var interval in ((YamlSequenceNode)defined).OfType<YamlMappingNode>())
            {
                if (intervals.TryGetValue(interval.Children[new YamlScalarNode("name")].ToString(), out var replacement))
                {
                    interval.Children[new YamlScalarNode("time_intervals")] = replacement;
                }
            }
        }

        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static void ShortenTimers(YamlMappingNode route)
    {
        foreach (var key in new[] { "group_wait", "group_interval" })
        {
            route.Children[new YamlScalarNode(key)] = new YamlScalarNode("1s");
        }
        if (route.Children.TryGetValue(new YamlScalarNode("routes"), out var children))
        {
            foreach (var child in ((YamlSequenceNode)children).OfType<YamlMappingNode>()) ShortenTimers(child);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _directory.Delete(recursive: true);
    }
}
