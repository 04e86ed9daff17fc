using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The component an object belongs to. Every object of a component carries its labels; its pods are selected by
/// <see cref="SelectorLabels"/> (name and instance only: the other labels may change without orphaning pods).
/// </summary>
public sealed record Identity(string Name, string Namespace, string Component)
{
    public const string PartOf = "nexustrade";
    public const string ManagedBy = "nexustrade-apphost";

    /// <summary>One installation of NexusTrade per cluster: the instance is the product, the name tells components apart.</summary>
    public const string Instance = "nexustrade";

    public Dictionary<string, string> SelectorLabels() => new()
    {
        ["app.kubernetes.io/name"] = Name,
        ["app.kubernetes.io/instance"] = Instance,
    };

    public Dictionary<string, string> Labels() => new(SelectorLabels())
    {
        ["app.kubernetes.io/component"] = Component,
        ["app.kubernetes.io/part-of"] = PartOf,
        ["app.kubernetes.io/managed-by"] = ManagedBy,
    };

    /// <summary>Metadata of a namespaced object of this component (named after it unless told otherwise).</summary>
    public V1ObjectMeta Meta(string? name = null) => ManifestBuilder.Metadata(name ?? Name, Namespace, this);

    /// <summary>Metadata of a cluster-scoped object (ClusterRole, ClusterRoleBinding, Namespace).</summary>
    public V1ObjectMeta ClusterMeta(string? name = null) => ManifestBuilder.Metadata(name ?? Name, null, this);
}
