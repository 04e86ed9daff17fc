using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The published monitoring survives the loss of any one pod: two Prometheus, a three-member Alertmanager cluster, an
/// autoscaled API, each spread over nodes and protected by a PodDisruptionBudget.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class HighAvailabilityManifestTests(PublishedManifests published)
{
    public static TheoryData<string, string, int> ReplicatedWorkloads => new()
    {
        { "monitoring", "prometheus", 2 },
        { "monitoring", "alertmanager", 3 },
        { "nexustrade", "api", 2 },
    };

    [Theory]
    [MemberData(nameof(ReplicatedWorkloads))]
    public void Replicated_workloads_run_their_replicas_spread_over_nodes_under_a_disruption_budget(string ns, string name, int replicas)
    {
        var workload = published.Workloads.Single(w => w.Name == name && w.Namespace == ns);
        Assert.Equal(replicas, workload.Object switch { V1StatefulSet s => s.Spec.Replicas, V1Deployment d => d.Spec.Replicas, _ => null });

        var spread = Assert.Single(workload.Pod.TopologySpreadConstraints);
        Assert.Equal("kubernetes.io/hostname", spread.TopologyKey);
        Assert.Equal(1, spread.MaxSkew);
        Assert.Equal(workload.Template.Metadata.Labels["app.kubernetes.io/name"], spread.LabelSelector.MatchLabels["app.kubernetes.io/name"]);

        var budget = published.Get<V1PodDisruptionBudget>(ns, name);
        Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
        Assert.All(budget.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, workload.Template.Metadata.Labels[label.Key]));
        Assert.DoesNotContain(published.Workloads, w => w.Namespace == ns && w.Object != workload.Object
            && budget.Spec.Selector.MatchLabels.All(l => w.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
    }

    [Fact]
    public void Only_replicated_workloads_have_a_disruption_budget()
    {
        var replicated = ReplicatedWorkloads.Select(row => ((string)row[0], (string)row[1])).Order();
        Assert.Equal(replicated, published.All<V1PodDisruptionBudget>().Select(b => (b.Metadata.NamespaceProperty, b.Metadata.Name)).Order());
    }

    [Fact]
    public void Alertmanagers_gossip_with_every_replica_through_the_headless_service()
    {
        var statefulSet = published.Get<V1StatefulSet>("monitoring", "alertmanager");
        Assert.Equal("alertmanager-cluster", statefulSet.Spec.ServiceName);
        Assert.Equal("Parallel", statefulSet.Spec.PodManagementPolicy);
        var args = statefulSet.Spec.Template.Spec.Containers.Single().Args;
        var peers = args.Where(a => a.StartsWith("--cluster.peer=", StringComparison.Ordinal)).Select(a => a["--cluster.peer=".Length..]);
        Assert.Equal(Enumerable.Range(0, statefulSet.Spec.Replicas!.Value).Select(i => $"alertmanager-{i}.alertmanager-cluster.monitoring.svc:9094"), peers);
        Assert.Contains("--cluster.listen-address=[$(POD_IP)]:9094", args);
        Assert.DoesNotContain("--cluster.listen-address=", args);
        Assert.Contains(statefulSet.Spec.Template.Spec.Containers.Single().Env, e => e.Name == "POD_IP" && e.ValueFrom.FieldRef.FieldPath == "status.podIP");

        var headless = published.Get<V1Service>("monitoring", "alertmanager-cluster");
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.True(headless.Spec.PublishNotReadyAddresses);
        Assert.Equal(statefulSet.Spec.Selector.MatchLabels, headless.Spec.Selector);
        Assert.Equal([("TCP", 9094), ("UDP", 9094)], headless.Spec.Ports.Select(p => (p.Protocol, p.Port)).Order());
        // Not a second Service of "alertmanager" for discovery (it keeps the http port of app.kubernetes.io/name=alertmanager).
        Assert.NotEqual("alertmanager", headless.Metadata.Labels["app.kubernetes.io/name"]);
    }

    [Fact]
    public void Only_alertmanager_pods_reach_the_gossip_port_and_clients_never_do()
    {
        var peers = published.Get<V1NetworkPolicy>("monitoring", "alertmanager-cluster");
        Assert.Equal("alertmanager", peers.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        var rule = Assert.Single(peers.Spec.Ingress);
        var from = Assert.Single(rule.FromProperty);
        Assert.Equal("alertmanager", from.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal("monitoring", from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal([("TCP", "9094"), ("UDP", "9094")], rule.Ports.Select(p => (p.Protocol, p.Port.Value)).Order());

        var clients = published.Get<V1NetworkPolicy>("monitoring", "alertmanager");
        Assert.All(clients.Spec.Ingress.SelectMany(r => r.Ports), port => Assert.Equal("9093", port.Port.Value));
    }

    [Fact]
    public void Prometheus_replicas_label_themselves_and_drop_the_label_from_alerts()
    {
        var statefulSet = published.Get<V1StatefulSet>("monitoring", "prometheus");
        var container = statefulSet.Spec.Template.Spec.Containers.Single();
        Assert.Contains("--enable-feature=expand-external-labels", container.Args);
        Assert.Contains(container.Env, e => e.Name == "POD_NAME" && e.ValueFrom.FieldRef.FieldPath == "metadata.name");

        var config = PrometheusConfig(published.Get<V1ConfigMap>("monitoring", "prometheus-config"));
        Assert.Equal("${POD_NAME}", config["global"]["external_labels"]["replica"].ToString());
        var drop = Assert.Single((YamlSequenceNode)config["alerting"]["alert_relabel_configs"]);
        Assert.Equal(("labeldrop", "replica"), (drop["action"].ToString(), drop["regex"].ToString()));
        // Every Alertmanager pod, found through the endpoints of its Service (not the Service's one address).
        var alertmanagers = Assert.Single((YamlSequenceNode)config["alerting"]["alertmanagers"]);
        Assert.Equal("endpointslice", alertmanagers["kubernetes_sd_configs"][0]["role"].ToString());
        Assert.False(((YamlMappingNode)config).Children.ContainsKey("remote_write"));

        // Grafana reads through the Service; a client stays on one replica.
        Assert.Equal("ClientIP", published.Get<V1Service>("monitoring", "prometheus").Spec.SessionAffinity);
    }

    [Theory]
    [InlineData("prometheus", "http://prometheus.monitoring.svc:9090/")]
    [InlineData("alertmanager", "http://alertmanager.monitoring.svc:9093/")]
    public void Links_point_at_the_service_unless_an_external_url_is_configured(string name, string url)
    {
        var args = published.Workloads.Single(w => w.Name == name).Pod.Containers.Single().Args;
        Assert.Contains($"--web.external-url={url}", args);
        Assert.Contains("--web.route-prefix=/", args);
    }

    public static YamlMappingNode PrometheusConfig(V1ConfigMap configMap)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(configMap.Data["prometheus.yml"]));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
