using System.Text.Json;
using NexusTrade.Tests.Dashboards;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Every Grafana panel query, with its template variables substituted, against the stack's live Prometheus (Grafana
/// itself is not needed for that). After some traffic each one must return data; the Kubernetes-only ones
/// (cAdvisor, kube-state-metrics) cannot have data here and must at least be accepted by the query API.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class DashboardQueryTests(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>
    /// Panels of events a healthy stack does not produce (no series until the first one): they show "no data" (noValue 0)
    /// here, and <see cref="Every_label_value_a_panel_selects_is_exported_by_the_live_stack"/> checks their selectors instead.
    /// </summary>
    private static readonly HashSet<string> QuietOnAHealthyStack = new(StringComparer.Ordinal)
    {
        "Connections refused (cap reached) [A]", // nexustrade_websocket_rejected_total: the cap is 5,000 connections
        "Cache errors [A]",                      // cache_result="error": Redis answers
        "Cache hit / miss ratio [C]",            // the error share of the same panel
        "Share served stale by channel [A]",     // stale="true": only when every provider fails and the cache holds an expired quote
    };

    [Fact]
    public async Task Every_panel_query_returns_data_from_the_live_stack()
    {
        await GenerateTrafficAsync();
        var queries = DashboardQueries.All().ToList();
        Assert.NotEmpty(queries);

        var empty = new List<string>();
        var kubernetesOnly = new List<string>();
        // Rate windows need a few scrapes after the traffic; retry the empty ones for a while before failing.
        await StackFixture.EventuallyAsync(async () =>
        {
            empty.Clear();
            kubernetesOnly.Clear();
            foreach (var query in queries)
            {
                var result = await QueryAsync(query.Expr);
                if (query.RequiresKubernetes)
                {
                    kubernetesOnly.Add($"{query.DashboardTitle} / {query.PanelTitle}");
                }
                else if (result.GetArrayLength() == 0 && !QuietOnAHealthyStack.Contains($"{query.PanelTitle} [{query.RefId}]"))
                {
                    empty.Add($"{query.DashboardTitle} / {query.PanelTitle}: {query.Expr}");
                }
            }
            return empty.Count == 0;
        }, TimeSpan.FromSeconds(90), () => "data for every panel; still empty:\n" + string.Join("\n", empty));

        output.WriteLine($"{queries.Count} queries ran; Kubernetes-only panels (accepted by the query API, no data here):");
        foreach (var panel in kubernetesOnly.Distinct()) output.WriteLine("  " + panel);
    }

    /// <summary>
    /// A misspelled label value selects nothing, and a panel that shows "no data" for events that have not happened
    /// cannot tell it apart: each <c>label="value"</c> / <c>label=~"regex"</c> of every non-Kubernetes query must name a
    /// value the stack exports on that metric (or, for a metric with no series yet, on any metric), or one
    /// <c>docs/metrics.md</c> documents for it (outcomes the traffic does not produce, such as <c>cache_result="error"</c>).
    /// </summary>
    [Fact]
    public async Task Every_label_value_a_panel_selects_is_exported_by_the_live_stack()
    {
        await GenerateTrafficAsync();
        var series = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        var problems = new List<string>();
        var checkedMatchers = 0;
        foreach (var query in DashboardQueries.All().Where(static q => !q.RequiresKubernetes))
        {
            foreach (var matcher in PromQlSelectors.Matchers(query.Expr).Where(static m => m.Selects).Distinct())
            {
                if (!series.TryGetValue(matcher.Metric, out var ofMetric)) series[matcher.Metric] = ofMetric = await SeriesAsync(matcher.Metric);
                var exported = ofMetric.Count > 0
                    // A series without the label has it empty (PromQL): recording rules aggregated by job have no instance.
                    ? ofMetric.Select(s => s.GetValueOrDefault(matcher.Label) ?? "")
                    : await LabelValuesAsync(matcher.Label);
                checkedMatchers++;
                if (!exported.Concat(MetricsCatalogue.Values(matcher.Metric, matcher.Label)).Any(matcher.IsSatisfiedBy))
                {
                    problems.Add($"{query.DashboardTitle} / {query.PanelTitle}: {matcher} matches no exported or documented value"
                                 + $" (exported: {string.Join(", ", exported.Distinct().Take(12))})");
                }
            }
        }

        output.WriteLine($"{checkedMatchers} matchers checked");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
    }

    private async Task<List<Dictionary<string, string>>> SeriesAsync(string metric)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var data = await GetDataAsync($"/api/v1/series?match[]={Uri.EscapeDataString(metric)}&start={start}");
        return data.EnumerateArray()
            .Select(static s => s.EnumerateObject().ToDictionary(static p => p.Name, static p => p.Value.GetString() ?? "", StringComparer.Ordinal))
            .ToList();
    }

    private async Task<List<string>> LabelValuesAsync(string label) =>
        (await GetDataAsync($"/api/v1/label/{Uri.EscapeDataString(label)}/values")).EnumerateArray().Select(static v => v.GetString() ?? "").ToList();

    private async Task<JsonElement> GetDataAsync(string path)
    {
        using var response = await stack.Prometheus.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Prometheus answered {path} with {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    /// <summary>Runs the query; a query Prometheus refuses (bad syntax) fails the test at once.</summary>
    private async Task<JsonElement> QueryAsync(string expr)
    {
        using var response = await stack.Prometheus.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expr));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Prometheus refused {expr}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>Traffic on every path the dashboards show: quotes (hits, misses), errors, WebSocket use.</summary>
    private async Task GenerateTrafficAsync()
    {
        for (var i = 0; i < 40; i++)
        {
            using var _ = await stack.Api.GetAsync($"/api/quotes/D{i % 10}");
            using var __ = await stack.Api.GetAsync("/api/quotes?symbols=AAPL,MSFT");
            using var ___ = await stack.Api.GetAsync("/api/quotes/bad!");
        }
        // A designed 503 (every provider down, nothing cached) for the error panels; it also trips a breaker.
        try
        {
            await stack.SetFaultsAsync("marketfeed-primary", new { outage = true });
            await stack.SetFaultsAsync("marketfeed-secondary", new { outage = true });
            for (var i = 0; i < 3; i++)
            {
                using var unavailable = await stack.Api.GetAsync($"/api/quotes/U{Random.Shared.Next(100_000)}");
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            }
        }
        finally
        {
            await stack.ResetFaultsAsync();
        }
        await stack.WaitForPrimaryProviderAsync();

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(stack.QuoteStreamUri, CancellationToken.None);
        await socket.SendAsync("""{"action":"subscribe","symbols":["AAPL"]}"""u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(12));
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
