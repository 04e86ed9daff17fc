using k8s.Models;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// NexusTrade:Kubernetes:Ingress:*: an Ingress each for Grafana, Prometheus and Alertmanager, valid against Kubernetes'
/// schema, to their Services' HTTP ports, with TLS; their NetworkPolicies admit the controller's namespace; the links
/// in notifications follow the hosts. Without the settings, no Ingress.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class IngressTests(PublishedManifests published, ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-ingress-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly Dictionary<string, string> Hosts = new()
    {
        ["grafana"] = "grafana.nexustrade.example",
        ["prometheus"] = "prometheus.nexustrade.example",
        ["alertmanager"] = "alerts.nexustrade.example",
    };

    [Fact]
    public async Task Each_host_gets_a_valid_ingress_to_its_service_and_the_links_follow_it()
    {
        await PublishedManifests.PublishAsync(_directory,
        [
            "--NexusTrade:Kubernetes:Ingress:ClassName=nginx", "--NexusTrade:Kubernetes:Ingress:TlsSecretName=monitoring-tls",
            "--NexusTrade:Kubernetes:Ingress:ControllerNamespace=ingress-system",
            .. Hosts.Select(h => $"--NexusTrade:Kubernetes:Ingress:Hosts:{h.Key}={h.Value}"),
        ]);
        var (_, objects) = PublishedManifests.Load(_directory);

        var (exitCode, log) = await OperatorSchemaTests.ValidateAsync(_directory, "networking.k8s.io/v1");
        output.WriteLine(log);
        Assert.True(exitCode == 0, log);
        var ingresses = objects.Select(o => o.Object).OfType<V1Ingress>().ToList();
        Assert.Equal(Hosts.Keys.Order(), ingresses.Select(i => i.Metadata.Name).Order());
        foreach (var ingress in ingresses)
        {
            var name = ingress.Metadata.Name;
            Assert.Equal("monitoring", ingress.Metadata.NamespaceProperty);
            Assert.Equal("nginx", ingress.Spec.IngressClassName);
            var rule = Assert.Single(ingress.Spec.Rules);
            Assert.Equal(Hosts[name], rule.Host);
            Assert.Equal(("monitoring-tls", Hosts[name]), (ingress.Spec.Tls.Single().SecretName, ingress.Spec.Tls.Single().Hosts.Single()));
            // The backend is the component's Service and one of its named ports.
            var backend = rule.Http.Paths.Single().Backend.Service;
            var service = objects.Select(o => o.Object).OfType<V1Service>().Single(s => s.Metadata.Name == backend.Name && s.Metadata.NamespaceProperty == "monitoring");
            Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
            // The controller's namespace reaches the pods behind the Service on that port (Grafana: every pod of the cluster).
            var policy = objects.Select(o => o.Object).OfType<V1NetworkPolicy>().Single(p => p.Metadata.Name == name);
            Assert.Contains(policy.Spec.Ingress.Single().FromProperty, peer => peer.PodSelector is null &&
                ((peer.NamespaceSelector.MatchLabels is { } labels && labels.TryGetValue("kubernetes.io/metadata.name", out var ns) && ns == "ingress-system") || peer.NamespaceSelector.MatchLabels is null));
        }

        var workloads = objects.Select(o => Workload.From(o.Object)).OfType<Workload>().ToList();
        Assert.Contains("--web.external-url=https://prometheus.nexustrade.example/", workloads.Single(w => w.Name == "prometheus").Pod.Containers.Single().Args);
        Assert.Contains("--web.external-url=https://alerts.nexustrade.example/", workloads.Single(w => w.Name == "alertmanager").Pod.Containers.Single().Args);
        Assert.Contains(workloads.Single(w => w.Name == "grafana").Pod.Containers.Single().Env, v => v.Name == "GF_SERVER_ROOT_URL" && v.Value == "https://grafana.nexustrade.example/");
        var templates = objects.Select(o => o.Object).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "alertmanager-templates");
        Assert.Contains("https://grafana.nexustrade.example{{ end }}", templates.Data[NexusTrade.Hosting.DashboardLinks.TemplateFileName]);
    }

    [Fact]
    public void Without_the_settings_there_is_no_ingress()
    {
        Assert.DoesNotContain(published.Objects, o => o.Object is V1Ingress);
    }

    [Theory]
    [InlineData("Ingress:Hosts:redis", "redis.example", "NexusTrade:Kubernetes:Ingress:Hosts:redis names no component with an Ingress")]
    [InlineData("Ingress:Hosts:prometheus", "https://prometheus.example", "NexusTrade:Kubernetes:Ingress:Hosts:prometheus is 'https://prometheus.example'")]
    [InlineData("Ingress:TlsSecretName", "monitoring-tls", "NexusTrade:Kubernetes:Ingress:ClassName, TlsSecretName or ControllerNamespace is set but no")]
    [InlineData("Ingress:ClassName", "Nginx_Class", "NexusTrade:Kubernetes:Ingress:ClassName is 'Nginx_Class'")]
    [InlineData("Ingress:Hosts:grafana", "grafana.example", "NexusTrade:Kubernetes:Ingress:Hosts:* is for the bundled monitoring stack", "--NexusTrade:Kubernetes:Monitoring=operator")]
    public async Task A_wrong_setting_fails_the_publish_naming_the_key(string key, string value, string message, string? other = null)
    {
        var log = await PublishedManifests.FailingPublishAsync(_directory, [$"--NexusTrade:Kubernetes:{key}={value}", .. other is null ? Array.Empty<string>() : [other]]);
        Assert.Contains(message, log);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
