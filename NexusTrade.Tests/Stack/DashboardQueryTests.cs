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
                else if (result.GetArrayLength() == 0)
                {
                    empty.Add($"{query.DashboardTitle} / {query.PanelTitle}: {query.Expr}");
                }
            }
            return empty.Count == 0;
        }, TimeSpan.FromSeconds(90), () => "data for every panel; still empty:\n" + string.Join("\n", empty));

        output.WriteLine($"{queries.Count} queries ran; Kubernetes-only panels (accepted by the query API, no data here):");
        foreach (var panel in kubernetesOnly.Distinct()) output.WriteLine("  " + panel);
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
