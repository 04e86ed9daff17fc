using k8s;
using k8s.Models;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The published manifests hang together as a cluster would need them: kinds, namespaces, names, labels, selectors,
/// references and ports. No cluster is involved: every check reads the files.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ManifestStructureTests(PublishedManifests published)
{
    private static readonly string[] ApplicationWorkloads = ["api", "redis"];
    // Every other component of the catalogue is part of the monitoring stack.
    private static readonly string[] MonitoringWorkloads = [.. ComponentCatalog.All.Select(c => c.Name).Except(ApplicationWorkloads)];
    private static readonly string[] Simulators = ["marketfeed-primary", "marketfeed-secondary", "alert-inbox"];

    private static readonly string[] RequiredLabels =
        ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"];

    [Fact]
    public void Every_document_is_a_known_kind_of_the_kubernetes_client_model()
    {
        // Load() deserializes strictly: an unknown field or kind has already failed the fixture.
        var allowed = new HashSet<Type>
        {
            typeof(V1Namespace), typeof(V1Deployment), typeof(V1StatefulSet), typeof(V1DaemonSet), typeof(V1Service), typeof(V1ConfigMap),
            typeof(V1Secret), typeof(V1PersistentVolumeClaim), typeof(V1ServiceAccount), typeof(V1ClusterRole), typeof(V1ClusterRoleBinding),
            typeof(V1NetworkPolicy), typeof(V1PodDisruptionBudget), typeof(V2HorizontalPodAutoscaler),
        };
        Assert.NotEmpty(published.Objects);
        Assert.All(published.Objects, o =>
        {
            Assert.Contains(o.Object.GetType(), allowed);
            var entity = o.Object.GetType().GetField("KubeKind")!.GetValue(null);
            Assert.Equal(entity, o.Kind);
        });
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_outside_secrets_and_nothing_else()
    {
        var listed = Resources("kustomization.yaml");
        var manifests = published.Files.Keys.Where(f => !f.StartsWith("secrets/", StringComparison.Ordinal) && f != "kustomization.yaml");
        Assert.Equal(manifests.Order(), listed.Order());

        var secrets = Resources("secrets/kustomization.yaml").Select(f => "secrets/" + f);
        Assert.Equal(published.Files.Keys.Where(f => f.StartsWith("secrets/", StringComparison.Ordinal) && !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).Order(), secrets.Order());
    }

    [Fact]
    public void Workloads_are_named_after_the_aspire_resources_and_live_in_their_namespaces()
    {
        var workloads = published.Workloads.ToDictionary(w => w.Name, w => w.Namespace);
        Assert.Equal(MonitoringWorkloads.Concat(ApplicationWorkloads).Order(), workloads.Keys.Order());
        Assert.All(MonitoringWorkloads, name => Assert.Equal("monitoring", workloads[name]));
        Assert.All(ApplicationWorkloads, name => Assert.Equal("nexustrade", workloads[name]));
        Assert.All(Simulators, name => Assert.DoesNotContain(name, workloads.Keys));
        Assert.Equal(["monitoring", "nexustrade"], published.All<V1Namespace>().Select(n => n.Metadata.Name).Order());
        Assert.All(published.Objects.Where(o => o.Object is not (V1Namespace or V1ClusterRole or V1ClusterRoleBinding)),
            o => Assert.Contains(o.Namespace, new[] { "monitoring", "nexustrade" }));
    }

    [Fact]
    public void Images_are_pinned_and_the_api_image_is_the_configured_default()
    {
        var images = published.Workloads.ToDictionary(w => w.Name, w => w.Pod.Containers.Single().Image);
        Assert.Equal("ghcr.io/nexustrade/api:1.0.0", images["api"]);
        Assert.All(ComponentCatalog.All, component => Assert.Equal(component.Image.Reference, images[component.Name]));
        Assert.All(images.Values, image =>
        {
            var tag = image[(image.LastIndexOf(':') + 1)..];
            Assert.DoesNotContain('/', tag);
            Assert.NotEqual("latest", tag);
        });
    }

    [Fact]
    public void Every_object_pod_template_and_claim_template_carries_the_standard_labels()
    {
        var labelled = published.Objects.Select(o => (o.ToString(), o.Object.Metadata.Labels))
            .Concat(published.Workloads.Select(w => ($"pod template of {w}", w.Template.Metadata.Labels)))
            .Concat(published.Workloads.SelectMany(w => w.ClaimTemplates.Select(c => ($"claim template {c.Metadata.Name} of {w}", c.Metadata.Labels))));
        Assert.All(labelled, item =>
        {
            var (what, labels) = item;
            Assert.True(labels is not null, $"{what} has no labels");
            Assert.All(RequiredLabels, label => Assert.True(labels!.ContainsKey(label) && labels[label].Length > 0, $"{what} lacks {label}"));
            Assert.Equal("nexustrade", labels!["app.kubernetes.io/part-of"]);
            Assert.Equal("nexustrade-apphost", labels["app.kubernetes.io/managed-by"]);
        });
        Assert.All(published.Workloads, w => Assert.Equal(w.Name, w.Template.Metadata.Labels["app.kubernetes.io/name"]));
    }

    [Fact]
    public void Workload_selectors_match_their_own_pod_templates()
    {
        Assert.All(published.Workloads, w =>
        {
            var selector = w.Object switch
            {
                V1Deployment d => d.Spec.Selector,
                V1StatefulSet s => s.Spec.Selector,
                V1DaemonSet d => d.Spec.Selector,
                _ => throw new InvalidOperationException(),
            };
            Assert.True(Matches(selector.MatchLabels, w.Template.Metadata.Labels), $"{w}: selector does not match its pod template");
        });
    }

    [Fact]
    public void Every_service_selects_pods_in_its_namespace_and_its_target_ports_exist_there()
    {
        Assert.All(published.All<V1Service>(), service =>
        {
            var pods = PodsSelectedBy(service.Metadata.NamespaceProperty, service.Spec.Selector).ToList();
            Assert.True(pods.Count > 0, $"Service {service.Metadata.Name} selects no pod template in {service.Metadata.NamespaceProperty}");
            Assert.All(service.Spec.Ports, port => Assert.All(pods, pod =>
                Assert.True(ResolvePort(pod, port.TargetPort ?? port.Port) is not null,
                    $"Service {service.Metadata.Name} port {port.Name}: target {port.TargetPort} is not a container port of {pod}")));
        });
        // One Service per workload, named after it, plus the headless Service that governs a StatefulSet's peers.
        var governing = published.All<V1StatefulSet>().Select(s => (s.Metadata.NamespaceProperty, s.Spec.ServiceName));
        Assert.Equal(published.Workloads.Select(w => (w.Namespace, w.Name)).Union(governing).Order(),
            published.All<V1Service>().Select(s => (s.Metadata.NamespaceProperty, s.Metadata.Name)).Order());
    }

    [Fact]
    public void Stateful_sets_name_an_existing_service()
    {
        Assert.All(published.All<V1StatefulSet>(), s => published.Get<V1Service>(s.Metadata.NamespaceProperty, s.Spec.ServiceName));
    }

    [Fact]
    public void Probes_use_declared_container_ports()
    {
        Assert.All(published.Workloads, w => Assert.All(w.Pod.Containers, container =>
        {
            Assert.True(container.ReadinessProbe is not null, $"{w}/{container.Name} has no readiness probe");
            Assert.True(container.LivenessProbe is not null, $"{w}/{container.Name} has no liveness probe");
            foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe }.OfType<V1Probe>())
            {
                var port = probe.HttpGet?.Port ?? probe.TcpSocket?.Port;
                if (port is null) continue; // exec probe
                Assert.True(ResolvePort(w, port) is not null, $"{w}/{container.Name}: probe port {port} is not a container port");
            }
        }));
        var api = published.Workloads.Single(w => w.Name == "api").Pod.Containers.Single();
        Assert.Equal("/health", api.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", api.LivenessProbe.HttpGet.Path);
        Assert.Equal(8080, api.Ports.Single(p => p.Name == "http").ContainerPort);
    }

    [Fact]
    public void Every_referenced_config_map_secret_key_claim_and_service_account_exists()
    {
        Assert.All(published.Workloads, w =>
        {
            var ns = w.Namespace;
            foreach (var volume in w.Pod.Volumes ?? [])
            {
                if (volume.ConfigMap is { } cm) published.Get<V1ConfigMap>(ns, cm.Name);
                if (volume.Secret is { } secret) published.Get<V1Secret>(ns, secret.SecretName);
                if (volume.PersistentVolumeClaim is { } claim) published.Get<V1PersistentVolumeClaim>(ns, claim.ClaimName);
                foreach (var source in volume.Projected?.Sources ?? []) published.Get<V1ConfigMap>(ns, source.ConfigMap.Name);
            }
            foreach (var container in w.Containers)
            {
                foreach (var source in container.EnvFrom ?? [])
                {
                    if (source.ConfigMapRef is { } cm) published.Get<V1ConfigMap>(ns, cm.Name);
                    if (source.SecretRef is { } secret) published.Get<V1Secret>(ns, secret.Name);
                }
                foreach (var variable in container.Env ?? [])
                {
                    if (variable.ValueFrom?.SecretKeyRef is { } key)
                    {
                        var secret = published.Get<V1Secret>(ns, key.Name);
                        Assert.True(SecretKeys(secret).Contains(key.Key), $"{w}: Secret {key.Name} has no key {key.Key}");
                    }
                    if (variable.ValueFrom?.ConfigMapKeyRef is { } cmKey) Assert.Contains(cmKey.Key, published.Get<V1ConfigMap>(ns, cmKey.Name).Data.Keys);
                }
                var volumes = (w.Pod.Volumes ?? []).Select(v => v.Name).Concat(w.ClaimTemplates.Select(c => c.Metadata.Name)).ToHashSet();
                Assert.All(container.VolumeMounts ?? [], mount => Assert.True(volumes.Contains(mount.Name), $"{w}: mount {mount.Name} has no volume"));
            }
            if (w.Pod.ServiceAccountName is { } account) published.Get<V1ServiceAccount>(ns, account);
        });

        Assert.All(published.All<V1ClusterRoleBinding>(), binding =>
        {
            published.Get<V1ClusterRole>(null, binding.RoleRef.Name);
            Assert.All(binding.Subjects, subject => published.Get<V1ServiceAccount>(subject.NamespaceProperty, subject.Name));
        });
    }

    [Fact]
    public void Prometheus_may_only_read_what_discovery_and_the_kubelets_need()
    {
        var role = published.Get<V1ClusterRole>(null, "prometheus");
        var granted = role.Rules.SelectMany(rule => (rule.Resources ?? rule.NonResourceURLs).SelectMany(resource =>
            rule.Verbs.Select(verb => $"{(rule.ApiGroups is null ? "url:" : rule.ApiGroups.Single() + "/")}{resource}:{verb}"))).Order().ToList();
        string[] reads = ["get", "list", "watch"];
        var expected = new[] { "nodes", "nodes/metrics", "services", "endpoints", "pods" }.SelectMany(r => reads.Select(v => $"/{r}:{v}"))
            .Concat(reads.Select(v => $"discovery.k8s.io/endpointslices:{v}"))
            .Append("url:/metrics:get")
            .Order();
        Assert.Equal(expected, granted);
    }

    [Fact]
    public void Kube_state_metrics_only_lists_and_watches_and_never_sees_secrets_or_config_maps()
    {
        var role = published.Get<V1ClusterRole>(null, "kube-state-metrics");
        Assert.All(role.Rules, rule =>
        {
            Assert.Equal(["list", "watch"], rule.Verbs);
            Assert.DoesNotContain("secrets", rule.Resources);
            Assert.DoesNotContain("configmaps", rule.Resources);
        });
        var args = published.Workloads.Single(w => w.Name == "kube-state-metrics").Pod.Containers.Single().Args;
        var collectors = args.Single(a => a.StartsWith("--resources=", StringComparison.Ordinal))["--resources=".Length..].Split(',');
        Assert.Equal(collectors.Order(), role.Rules.SelectMany(r => r.Resources).Order());
        Assert.Contains("pods", collectors);
    }

    [Fact]
    public void Network_policies_select_published_pods_and_admit_only_their_clients()
    {
        foreach (var ns in new[] { "monitoring", "nexustrade" })
        {
            var deny = published.Get<V1NetworkPolicy>(ns, "default-deny-ingress");
            Assert.Empty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
            Assert.Empty(deny.Spec.Ingress ?? []);
        }

        foreach (var policy in published.All<V1NetworkPolicy>().Where(p => p.Metadata.Name != "default-deny-ingress"))
        {
            var targets = PodsSelectedBy(policy.Metadata.NamespaceProperty, policy.Spec.PodSelector.MatchLabels).ToList();
            Assert.True(targets.Count == 1, $"NetworkPolicy {policy.Metadata.Name} selects {targets.Count} workloads");
            Assert.All(policy.Spec.Ingress.SelectMany(r => r.Ports), port => Assert.NotNull(ResolvePort(targets[0], port.Port)));
            foreach (var peer in policy.Spec.Ingress.SelectMany(r => r.FromProperty).Where(p => p.PodSelector is not null))
            {
                var peerNamespace = peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"];
                Assert.NotEmpty(PodsSelectedBy(peerNamespace, peer.PodSelector.MatchLabels));
            }
        }

        Assert.Equal(["prometheus"], Clients("node-exporter"));
        Assert.Equal(["prometheus"], Clients("redis-exporter"));
        Assert.Equal(["prometheus"], Clients("kube-state-metrics"));
        Assert.Equal(["grafana", "prometheus"], Clients("alertmanager"));
        Assert.Equal(["grafana", "prometheus"], Clients("prometheus"));
        Assert.Equal(["*"], Clients("grafana"));
        Assert.Equal(["*"], Clients("api", "nexustrade"));
        Assert.Equal(["api", "redis-exporter"], Clients("redis", "nexustrade"));
    }

    /// <summary>Who may connect to a component: the app names of the admitted pods, or "*" for every pod of the cluster.</summary>
    private IEnumerable<string> Clients(string component, string ns = "monitoring") =>
        published.Get<V1NetworkPolicy>(ns, component).Spec.Ingress.SelectMany(r => r.FromProperty)
            .Select(peer => peer.PodSelector is null && peer.NamespaceSelector.MatchLabels is null ? "*" : peer.PodSelector!.MatchLabels["app.kubernetes.io/name"])
            .Order();

    private IEnumerable<Workload> PodsSelectedBy(string @namespace, IDictionary<string, string>? selector) =>
        published.Workloads.Where(w => w.Namespace == @namespace && Matches(selector, w.Template.Metadata.Labels));

    private static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string> labels) =>
        selector is { Count: > 0 } && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>The container port a Service target port, probe port or policy port designates (by name or number), if any.</summary>
    private static V1ContainerPort? ResolvePort(Workload workload, IntOrString port) =>
        workload.Pod.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p =>
            int.TryParse(port.Value, out var number) ? p.ContainerPort == number : p.Name == port.Value);

    private static ISet<string> SecretKeys(V1Secret secret) =>
        (secret.StringData?.Keys ?? []).Concat(secret.Data?.Keys ?? []).ToHashSet();

    private IEnumerable<string> Resources(string kustomization)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(published.Files[kustomization]));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("Kustomization", root["kind"].ToString());
        return ((YamlDotNet.RepresentationModel.YamlSequenceNode)root["resources"]).Select(n => n.ToString());
    }
}
