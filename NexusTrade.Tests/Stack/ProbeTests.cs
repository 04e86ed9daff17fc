using System.Globalization;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Alerting;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class ProbeTests(StackFixture stack, ITestOutputHelper output) : ProbeChecks(stack, output);

/// <summary>
/// The outside view on the running stack: Prometheus's job blackbox probes the API's quote route, /health and the
/// WebSocket handshake through the blackbox exporter, and each probe succeeds; with the API stopped every probe
/// fails and ApiProbeFailing goes pending, then firing once its <c>for:</c> (read from the rule file) has passed.
/// </summary>
public abstract class ProbeChecks(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Probes = ["health", "quote", "websocket"];

    [Fact]
    public async Task Every_probe_succeeds_from_the_outside()
    {
        var seen = new Dictionary<string, double>();
        await StackFixture.EventuallyAsync(async () =>
        {
            seen = await ByProbeAsync("probe_success{job=\"blackbox\"}");
            return Probes.All(p => seen.GetValueOrDefault(p) == 1);
        }, TimeSpan.FromSeconds(60), () => "probe_success 1 for " + string.Join(", ", Probes) + "; seen: " + Describe(seen));

        foreach (var (probe, seconds) in await ByProbeAsync("probe_duration_seconds{job=\"blackbox\"}"))
        {
            output.WriteLine($"{probe}: {seconds * 1000:0.0} ms");
        }
        // The http probes saw the API's own answer, not a redirect or an error page.
        var status = await ByProbeAsync("probe_http_status_code{job=\"blackbox\"}");
        Assert.Equal(200, status["quote"]);
        Assert.Equal(200, status["health"]);
    }

    [Fact]
    public async Task A_stopped_api_fails_every_probe_and_fires_ApiProbeFailing()
    {
        var rule = RuleFiles.LoadAlertRules().Single(r => r.Alert == "ApiProbeFailing");
        var pendingFor = AlertmanagerLocalProfile.ParseDuration(rule.For ?? throw new InvalidOperationException("ApiProbeFailing has no for:"));
        await stack.StartQuietAsync("ApiProbeFailing");
        await stack.StopAsync("api");
        try
        {
            await StackFixture.EventuallyAsync(async () =>
            {
                var success = await ByProbeAsync("probe_success{job=\"blackbox\"}");
                return Probes.All(p => success.TryGetValue(p, out var value) && value == 0);
            }, TimeSpan.FromSeconds(30), "probe_success 0 for every probe once the API is stopped");

            var pending = await WaitForStateAsync("pending", TimeSpan.FromSeconds(30));
            var pendingAt = DateTimeOffset.UtcNow;
            Assert.Equal(Probes, pending.Order(StringComparer.Ordinal));
            // Still pending half-way through its for: (a rule without for: would fire at once).
            await Task.Delay(pendingFor / 2);
            Assert.Empty(await AlertsAsync("firing"));
            var firing = await WaitForStateAsync("firing", pendingFor + TimeSpan.FromSeconds(60));
            output.WriteLine($"pending to firing: {(DateTimeOffset.UtcNow - pendingAt).TotalSeconds:0} s (for: {rule.For})");
            Assert.Equal(Probes, firing.Order(StringComparer.Ordinal));
        }
        finally
        {
            await stack.StartAsync("api");
        }

        await StackFixture.EventuallyAsync(async () => (await ByProbeAsync("probe_success{job=\"blackbox\"}")).Values.All(v => v == 1),
            TimeSpan.FromSeconds(60), "every probe succeeding again after the API restarted");
        await stack.WaitForNoAlertAsync("ApiProbeFailing");
    }

    private async Task<List<string>> WaitForStateAsync(string state, TimeSpan timeout)
    {
        var probes = new List<string>();
        await StackFixture.EventuallyAsync(async () =>
        {
            probes = await AlertsAsync(state);
            return probes.Count == Probes.Length;
        }, timeout, () => $"ApiProbeFailing {state} for every probe; {state} for: {string.Join(", ", probes)}");
        return probes;
    }

    private async Task<List<string>> AlertsAsync(string state) =>
        (await stack.QueryAsync($"ALERTS{{alertname=\"ApiProbeFailing\", alertstate=\"{state}\"}}")).EnumerateArray()
            .Select(s => s.GetProperty("metric").GetProperty("probe").GetString()!)
            .ToList();

    private async Task<Dictionary<string, double>> ByProbeAsync(string promql) =>
        (await stack.QueryAsync(promql)).EnumerateArray().ToDictionary(
            s => s.GetProperty("metric").GetProperty("probe").GetString()!,
            s => double.Parse(s.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));

    private static string Describe(Dictionary<string, double> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
}
