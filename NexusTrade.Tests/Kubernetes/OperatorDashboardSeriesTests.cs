using k8s.Models;
using NexusTrade.Tests.Dashboards;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The published dashboards read only series that kube-prometheus-stack's exporters export under the chart's job names:
/// each Kubernetes panel and variable returns data on the recorded bad-day series relabelled as the chart's scrape
/// jobs label them (its kubelet job scrapes cAdvisor too: job="kubelet", metrics_path="/metrics/cadvisor";
/// kube-state-metrics and node-exporter keep their names). The application's series are the same in both modes.
/// </summary>
[Collection(OperatorManifestsCollection.Name)]
public sealed class OperatorDashboardSeriesTests(OperatorManifests published, ITestOutputHelper output)
{
    /// <summary>A recorded series as the chart's scrape jobs label it.</summary>
    public static string AsTheChartLabelsIt(string series) =>
        series.Replace("job=\"cadvisor\"", "job=\"kubelet\", metrics_path=\"/metrics/cadvisor\"", StringComparison.Ordinal);

    [Fact]
    public async Task Every_Kubernetes_panel_and_variable_returns_data_from_the_charts_exporters()
    {
        var dashboards = published.All<V1ConfigMap>().Where(c => Label(c.Metadata, "grafana_dashboard") == "1").SelectMany(c => (IEnumerable<KeyValuePair<string, string>>)c.Data).ToList();
        var directory = Directory.CreateTempSubdirectory("nexustrade-operator-dashboards-").FullName;
        try
        {
            foreach (var (file, json) in dashboards.Select(d => (d.Key, d.Value))) await File.WriteAllTextAsync(Path.Combine(directory, file), json);
            var checks = RecordedClusterSeries.PanelChecks(dashboards.SelectMany(d => DashboardQueries.FromJson(d.Value)))
                .Concat(RecordedClusterSeries.VariableChecks(directory)).ToList();
            Assert.Contains(checks, c => c.Expr.Contains("container_memory_working_set_bytes", StringComparison.Ordinal));

            var (exitCode, log) = await RecordedClusterSeries.RunAsync(checks, AsTheChartLabelsIt);
            output.WriteLine(log);
            Assert.True(exitCode == 0, $"A panel reads a series the chart's exporters do not export under that job:\n{log}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string? Label(V1ObjectMeta meta, string key) => meta.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
