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

/// <summary>The user and group a container image is built to run as (its files belong to them).</summary>
public sealed record RuntimeUser(long Uid, long Gid)
{
    /// <summary>nobody: the Prometheus project's images (prometheus, alertmanager, node-exporter) and kube-state-metrics.</summary>
    public static readonly RuntimeUser Nobody = new(65534, 65534);

    /// <summary>The non-root "app" user of the .NET runtime images (mcr.microsoft.com/dotnet/aspnet, 8.0 and later).</summary>
    public static readonly RuntimeUser DotNetApp = new(1654, 1654);
}

/// <summary>CPU and memory a container asks for (scheduling) and may not exceed (limits).</summary>
public sealed record ResourceBudget(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit);
