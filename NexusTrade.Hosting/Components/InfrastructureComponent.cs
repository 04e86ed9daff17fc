namespace NexusTrade.Hosting;

/// <summary>
/// Everything the stack knows about one infrastructure component (Redis, Prometheus, an exporter, ...), written once
/// in the component's own file and read by every runtime: host mode runs <see cref="Host"/>'s binary (and the preflight
/// installs its package), container mode the pinned <see cref="Image"/> (or its offline build from the same package),
/// the publisher deploys the image as <see cref="User"/> within <see cref="Budget"/>, and the scripts read the
/// catalogue through <c>scripts/catalog.sh</c>.
/// </summary>
/// <param name="Name">The resource name: the dashboard's, the Kubernetes workload's, the scrape job's and the offline image's.</param>
public sealed record InfrastructureComponent(string Name)
{
    /// <summary>The pinned upstream image, <c>repository:tag</c>.</summary>
    public required string PinnedImage { get; init; }

    /// <summary>The pinned image, named after the component (the key of its <c>NexusTrade:Images</c> override).</summary>
    public ContainerImage Image => ContainerImage.Parse(Name, PinnedImage);

    /// <summary>Host mode: the binary on PATH and its Debian package; null where the component has no host mode.</summary>
    public HostPackage? Host { get; init; }

    /// <summary>
    /// An offline image is built from <see cref="Host"/>'s package by <c>scripts/offline-images/&lt;Name&gt;.Dockerfile</c>
    /// in the upstream image's layout (true for every component with a Debian package).
    /// </summary>
    public bool HasOfflineImage => Host?.Package is not null;

    /// <summary>The user and group the image is built to run as (its files belong to them).</summary>
    public required RuntimeUser User { get; init; }

    /// <summary>The port the image serves on (HTTP, or Redis's protocol).</summary>
    public required int Port { get; init; }

    /// <summary>CPU and memory in the cluster.</summary>
    public required ResourceBudget Budget { get; init; }
}

/// <summary>
/// A binary host mode runs or the tests use, and the Debian package that installs it (null: none is packaged, as for
/// Grafana); <see cref="Tools"/> come with the same package (promtool, amtool).
/// </summary>
public sealed record HostPackage(string Binary, string? Package, params string[] Tools);

/// <summary>The user and group a container image is built to run as (its files belong to them).</summary>
public sealed record RuntimeUser(long Uid, long Gid)
{
    /// <summary>nobody: the Prometheus project's images and kube-state-metrics.</summary>
    public static readonly RuntimeUser Nobody = new(65534, 65534);

    /// <summary>The non-root "app" user of the .NET runtime images (mcr.microsoft.com/dotnet/aspnet, 8.0 and later).</summary>
    public static readonly RuntimeUser DotNetApp = new(1654, 1654);
}

/// <summary>CPU and memory a container asks for (scheduling) and may not exceed (limits).</summary>
public sealed record ResourceBudget(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit);

/// <summary>The endpoint names of the app model, one spelling each: Kubernetes port names and Aspire endpoint names alike.</summary>
public static class EndpointNames
{
    public const string Http = "http";
    public const string Tcp = "tcp";
    public const string Gossip = "gossip";
    public const string Smtp = "smtp";
}
