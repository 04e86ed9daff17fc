using k8s.Models;
using NexusTrade.Tests.Dashboards;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The Kubernetes-only panels and alerts, proven on recorded series (prometheus/tests/fixtures/kubernetes-bad-day.yml)
/// rather than for syntax only: each panel query returns data, each alert fires, and a misspelled metric name or label
/// value comes back empty and fails.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class RecordedClusterSeriesTests(PublishedManifests published, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_Kubernetes_panel_query_and_variable_returns_data_on_the_recorded_series()
    {
        var checks = RecordedClusterSeries.PanelChecks(DashboardQueries.All())
            .Concat(RecordedClusterSeries.VariableChecks(DashboardQueries.DashboardsDirectory)).ToList();

        Assert.Contains(checks, c => c.Subject.Contains("Pod memory working set", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.Subject.Contains("variable $namespace", StringComparison.Ordinal));
        await AssertAllReturnData(checks);
    }

    [Fact]
    public async Task Every_Kubernetes_alert_fires_on_the_recorded_series()
    {
        var checks = RecordedClusterSeries.AlertChecks().ToList();

        Assert.Contains(checks, c => c.Subject == "alert KubePersistentVolumeFillingUp (warning)");
        await AssertAllReturnData(checks, RecordedClusterSeries.KubernetesRules);
    }

    [Theory]
    [InlineData("kube_pod_status_ready{", "kube_pod_status_redy{")]
    [InlineData("condition=~\"false|unknown\"", "condition=~\"flase|unknown\"")]
    [InlineData("container_memory_working_set_bytes{namespace=~\"$namespace\"", "container_memory_working_set_bytes{namespace=~\"$namespace\", job=\"cadvsor\"")]
    public async Task A_misspelled_metric_or_label_value_in_a_panel_fails_the_check(string correct, string misspelled)
    {
        var broken = DashboardQueries.All().Where(q => q.RawExpr.Contains(correct, StringComparison.Ordinal))
            .Select(q => DashboardQueries.FromJson(PanelJson(q.RawExpr.Replace(correct, misspelled, StringComparison.Ordinal)))[0]).ToList();
        Assert.NotEmpty(broken);

        var (exitCode, log) = await RecordedClusterSeries.RunAsync(RecordedClusterSeries.PanelChecks(broken));

        Assert.True(exitCode != 0, $"The misspelling {misspelled} was not noticed:\n{log}");
        // Failed for want of data, not for a malformed test file.
        Assert.Contains("got: nil", log);
    }

    [Fact]
    public void The_recorded_series_use_the_job_names_of_the_cluster_config()
    {
        var jobs = ScrapeJobGuardTests.JobNames(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]);

        Assert.All(RecordedClusterSeries.Jobs(), job => Assert.Contains(job, jobs));
    }

    private async Task AssertAllReturnData(IReadOnlyList<DataCheck> checks, params string[] ruleFiles)
    {
        foreach (var check in checks) output.WriteLine(check.ToString());
        var (exitCode, log) = await RecordedClusterSeries.RunAsync(checks, ruleFiles);
        Assert.True(exitCode == 0, $"A check returned no data on the recorded series (the expression is in promtool's report):\n{log}");
    }

    private static string PanelJson(string expr) =>
        System.Text.Json.JsonSerializer.Serialize(new { uid = "broken", title = "Broken", panels = new[] { new { title = "broken", targets = new[] { new { refId = "A", expr } } } } });
}
