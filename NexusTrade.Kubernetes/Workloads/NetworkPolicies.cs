using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Ingress rules: each namespace denies by default, and each component admits exactly the peers it serves.
/// Egress is not restricted (Prometheus must reach every node's kubelet, Alertmanager the notification vendors).
/// </summary>
public static class NetworkPolicies
{
    public static V1NetworkPolicy DefaultDenyIngress(string @namespace) => new V1NetworkPolicy
    {
        Metadata = new Identity("default-deny-ingress", @namespace, "network-policy").Meta(),
        Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress"], Ingress = [] },
    }.Initialize();

    /// <summary>Admits <paramref name="from"/> to the pods of <paramref name="target"/> on <paramref name="ports"/>.</summary>
    public static V1NetworkPolicy AllowIngress(Identity target, IEnumerable<V1ContainerPort> ports, params V1NetworkPolicyPeer[] from) =>
        AllowIngress(target, target.Name, ports, from);

    /// <summary>
    /// Admits the component's own pods to each other on <paramref name="ports"/> (TCP or UDP, as declared): a cluster's
    /// peer port, open to its members only. Named <paramref name="name"/>, beside the component's client policy.
    /// </summary>
    public static V1NetworkPolicy BetweenPeers(ComponentSpec spec, string name, IEnumerable<V1ContainerPort> ports) =>
        AllowIngress(PublishContext.Identity(spec), name, ports, PodsOf(spec.Resource));

    private static V1NetworkPolicy AllowIngress(Identity target, string name, IEnumerable<V1ContainerPort> ports, params V1NetworkPolicyPeer[] from) => new V1NetworkPolicy
    {
        Metadata = target.Meta(name),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = target.SelectorLabels() },
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = from.ToList(),
                    Ports = ports.Select(p => new V1NetworkPolicyPort { Port = p.ContainerPort, Protocol = p.Protocol ?? "TCP" }).ToList(),
                },
            ],
        },
    }.Initialize();

    /// <summary>
    /// Admits the component's clients (<see cref="KubernetesClientAnnotation"/>) and, with an Ingress, the ingress
    /// controller's pods, or every pod of the cluster when it is open to it, to <paramref name="ports"/>.
    /// </summary>
    public static V1NetworkPolicy ForClients(ComponentSpec spec, PublishContext context, IEnumerable<V1ContainerPort> ports) =>
        AllowIngress(PublishContext.Identity(spec), ports, spec.Deployment.OpenToCluster
            ? [AnyPodInCluster()]
            : [.. spec.Resource.KubernetesClients().Select(context.PeerOf), .. Ingresses.ControllerOf(spec, context)]);

    /// <summary>
    /// Admits only the model's Prometheus servers (the resources that declare scrape targets) to <paramref name="ports"/>:
    /// a policy of its own (<c>&lt;name&gt;-metrics</c>), added to the component's others.
    /// </summary>
    public static V1NetworkPolicy ForScrapers(ComponentSpec spec, PublishContext context, IEnumerable<V1ContainerPort> ports)
    {
        var scrapers = context.Specs.Where(s => s.Resource.Annotations.OfType<ScrapeTargetAnnotation>().Any()).Select(s => context.PeerOf(s.Resource));
        var policy = AllowIngress(PublishContext.Identity(spec), ports, [.. scrapers]);
        policy.Metadata.Name = $"{spec.Name}-metrics";
        return policy;
    }

    /// <summary>The pods of a component, in the namespace it runs in (matched by the namespace's immutable name label).</summary>
    public static V1NetworkPolicyPeer PodsOf(IResource resource) =>
        PodsIn(ClusterTopology.NamespaceOf(resource), new Identity(resource.Name, ClusterTopology.NamespaceOf(resource), "").SelectorLabels());

    /// <summary>The pods labelled <paramref name="labels"/> in <paramref name="namespace"/>.</summary>
    public static V1NetworkPolicyPeer PodsIn(string @namespace, IReadOnlyDictionary<string, string> labels) => new()
    {
        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = @namespace } },
        PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(labels) },
    };

    /// <summary>Every pod of every namespace (not the outside world: that needs an Ingress or a LoadBalancer).</summary>
    public static V1NetworkPolicyPeer AnyPodInCluster() => new() { NamespaceSelector = new V1LabelSelector() };
}
