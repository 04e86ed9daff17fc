using System.Globalization;

namespace NexusTrade.Hosting;

/// <summary>
/// The quote cache's server settings, the same for every runtime (host process, container, Kubernetes): a bounded
/// memory with an eviction policy, and persistence (AOF plus snapshots).
/// </summary>
public sealed record RedisSettings(
    string MaxMemory = "256mb",
    string MaxMemoryPolicy = "allkeys-lru",
    bool AppendOnly = true,
    int SnapshotSeconds = 60,
    int SnapshotChanges = 1000)
{
    public static RedisSettings Default { get; } = new();

    /// <summary>The settings as redis.conf directives (no bind, port or password: those depend on the runtime).</summary>
    public IEnumerable<string> ConfigLines() =>
    [
        $"appendonly {(AppendOnly ? "yes" : "no")}",
        string.Create(CultureInfo.InvariantCulture, $"save {SnapshotSeconds} {SnapshotChanges}"),
        $"maxmemory {MaxMemory}",
        $"maxmemory-policy {MaxMemoryPolicy}",
    ];

    /// <summary>The same directives as redis-server flags (<c>--maxmemory 256mb ...</c>), for a command line.</summary>
    public string ServerFlags() => string.Join(' ', ConfigLines().Select(line => "--" + line));
}
