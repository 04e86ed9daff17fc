using System.Diagnostics;
using System.Text.Json;
using NexusTrade.Tests.Alerting.Harness;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// Each inhibition rule of <c>prometheus/alertmanager.yml</c>, in the real Alertmanager: with its source alert firing,
/// a target that matches is muted (<c>status.inhibitedBy</c>) and one that differs in an "equal" label, or is not a
/// target, is not.
/// </summary>
public sealed class InhibitionRuleTests
{
    private static Dictionary<string, string> L(string labels) =>
        labels.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(static p => p.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1]);

    /// <summary>Rule number (1-based, file order), source, the target it mutes, a target it leaves alone.</summary>
    public static TheoryData<int, string, string, string> Cases => new()
    {
        { 1, "alertname=ApiHighErrorRate severity=critical team=trading-platform job=api",
             "alertname=ApiHighErrorRate severity=warning team=trading-platform job=api",
             "alertname=ApiHighErrorRate severity=warning team=trading-platform job=api-canary" },
        { 2, "alertname=TargetDown severity=warning team=sre job=redis-exporter instance=redis-a:9121",
             "alertname=RedisMemoryHigh severity=warning team=sre job=redis-exporter instance=redis-a:9121",
             "alertname=RedisMemoryHigh severity=warning team=sre job=redis-exporter instance=redis-b:9121" },
        { 3, "alertname=ApiDown severity=critical team=trading-platform job=api",
             "alertname=TargetDown severity=warning team=sre job=api instance=api-1:8080",
             "alertname=TargetDown severity=warning team=sre job=node-exporter instance=node-a:9100" },
        { 4, "alertname=RedisDown severity=critical team=sre job=redis-exporter",
             "alertname=CacheLookupErrorsHigh severity=warning team=trading-platform job=api cache_name=quotes",
             "alertname=ApiHighLatency severity=warning team=trading-platform job=api" },
        { 5, "alertname=DataProviderFailing severity=critical team=trading-platform domain=market-data job=api provider=marketfeed-primary",
             "alertname=CircuitBreakerOpen severity=warning team=trading-platform domain=market-data job=api provider=marketfeed-primary",
             "alertname=CircuitBreakerOpen severity=warning team=trading-platform domain=market-data job=api provider=marketfeed-secondary" },
    };

    [Fact]
    public void Every_inhibition_rule_has_a_case()
    {
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)LoadYaml(Infrastructure.RepoPaths.Combine("prometheus", "alertmanager.yml"))!;
        Assert.Equal(Children(Get(root, "inhibit_rules")).Count(), Cases.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_rule_mutes_its_target_and_nothing_else(int rule, string source, string muted, string notMuted)
    {
        using var sink = new WebhookSink();
        await using var alertmanager = await TestAlertmanager.StartAsync(TestAlertmanager.ProductionConfigFor(sink));
        await alertmanager.PostAsync(L(source), L(muted), L(notMuted));

        // The inhibitor learns about the source asynchronously: wait until the target is muted, then look at the rest.
        var clock = Stopwatch.StartNew();
        List<JsonElement> alerts;
        while (true)
        {
            alerts = await alertmanager.AlertsAsync();
            if (IsInhibited(Find(alerts, muted))) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"rule {rule}: {muted} was never inhibited by {source}; alerts: {string.Join("; ", alerts.Select(static a => a.GetProperty("labels").GetRawText() + " " + a.GetProperty("status").GetRawText()))}");
            await Task.Delay(250);
        }

        Assert.False(IsInhibited(Find(alerts, notMuted)), $"rule {rule}: {notMuted} is inhibited too");
        Assert.False(IsInhibited(Find(alerts, source)), $"rule {rule}: the source {source} is inhibited");
    }

    private static JsonElement Find(List<JsonElement> alerts, string labels)
    {
        var wanted = L(labels);
        return alerts.Single(a => wanted.All(w => a.GetProperty("labels").TryGetProperty(w.Key, out var v) && v.GetString() == w.Value)
                                  && a.GetProperty("labels").EnumerateObject().Count() == wanted.Count);
    }

    private static bool IsInhibited(JsonElement alert) => alert.GetProperty("status").GetProperty("inhibitedBy").GetArrayLength() > 0;
}
