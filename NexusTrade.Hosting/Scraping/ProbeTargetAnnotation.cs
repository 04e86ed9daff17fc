using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Hosting;

/// <summary>A module of <c>prometheus/blackbox.yml</c> and the prober it runs: an http module probes a URL, a tcp module host:port.</summary>
public sealed record BlackboxModule(string Name, string Prober)
{
    /// <summary>GET, any 2xx: the quote route and /health.</summary>
    public static readonly BlackboxModule Http2xx = new("http_2xx", "http");

    /// <summary>The upgrade request of /ws/quotes, answered 101 (tcp prober with query_response: see prometheus/blackbox.yml).</summary>
    public static readonly BlackboxModule WebSocketHandshake = new("websocket_handshake", "tcp");
}

/// <summary>
/// One probe of Prometheus's job <see cref="Job"/>: <see cref="Exporter"/> (the blackbox exporter) runs <see cref="Module"/>
/// against <see cref="Path"/> of <see cref="Target"/>, labelled probe=<see cref="Probe"/>. The local stack writes it into
/// the same file_sd target files as the scrape targets; the publisher into the cluster's probe job.
/// </summary>
public sealed record ProbeTargetAnnotation(string Probe, BlackboxModule Module, EndpointReference Exporter, EndpointReference Target, string Path)
    : IResourceAnnotation
{
    public const string Job = "blackbox";

    /// <summary>What the exporter's <c>target</c> parameter is, given the target's host:port as the exporter reaches it.</summary>
    public string TargetParameter(string hostAndPort) => Module.Prober == "tcp" ? hostAndPort : $"http://{hostAndPort}{Path}";

    /// <summary>The labels of the probe's series besides job and instance (the module's name, the probe's).</summary>
    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { ["probe"] = Probe, ["module"] = Module.Name };
}
