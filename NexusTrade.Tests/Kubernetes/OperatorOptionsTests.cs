using Microsoft.Extensions.Configuration;
using NexusTrade.Kubernetes;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The operator-mode settings: defaults, and a message naming the key for each invalid value.</summary>
public sealed class OperatorOptionsTests
{
    [Fact]
    public void Defaults_are_bundled_and_the_charts_release_label()
    {
        var options = KubernetesPublishingOptions.From(Configuration());
        Assert.Equal(MonitoringMode.Bundled, options.Monitoring);
        Assert.Equal(new Dictionary<string, string> { ["release"] = "kube-prometheus-stack" }, options.Operator.SelectorLabels);
        Assert.Equal("monitoring", options.Operator.Namespace);
    }

    [Fact]
    public void Settings_are_read()
    {
        var options = KubernetesPublishingOptions.From(Configuration(("Monitoring", "Operator"), ("Operator:SelectorLabels:prometheus", "team-a"),
            ("Operator:Namespace", "observability"), ("Operator:PrometheusPodLabels:app.kubernetes.io/name", "prometheus")));
        Assert.Equal(MonitoringMode.Operator, options.Monitoring);
        Assert.Equal(new Dictionary<string, string> { ["prometheus"] = "team-a" }, options.Operator.SelectorLabels);
        Assert.Equal("observability", options.Operator.Namespace);
    }

    [Theory]
    [InlineData("Monitoring", "kube-prometheus", "NexusTrade:Kubernetes:Monitoring is 'kube-prometheus': use bundled or operator.")]
    [InlineData("Operator:Namespace", "Monitoring_NS", "NexusTrade:Kubernetes:Operator:Namespace is 'Monitoring_NS'")]
    [InlineData("Operator:SelectorLabels:release", "kube prometheus", "NexusTrade:Kubernetes:Operator:SelectorLabels:release is 'kube prometheus'")]
    [InlineData("Operator:SelectorLabels:-bad", "x", "NexusTrade:Kubernetes:Operator:SelectorLabels:-bad: '-bad' is not a label name")]
    [InlineData("Operator:PrometheusPodLabels:app", "no/slash", "NexusTrade:Kubernetes:Operator:PrometheusPodLabels:app is 'no/slash'")]
    public void An_invalid_value_names_its_key(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => KubernetesPublishingOptions.From(Configuration((key, value))));
        Assert.StartsWith(message, error.Message);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{KubernetesPublishingOptions.Section}:{s.Key}", s.Value)))
        .Build();
}
