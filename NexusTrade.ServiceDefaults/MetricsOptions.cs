using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>Where <c>/metrics</c> answers: on every port Kestrel listens on, or only on a management port.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// The management port that alone serves <c>/metrics</c> (by the connection's local port, not the Host header). Kestrel
    /// must listen on it as well, e.g. <c>ASPNETCORE_HTTP_PORTS=8080;9464</c>. Unset (the local stack): every port.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Metrics:Port must be a TCP port between 1 and 65535.")]
    public int? Port { get; set; }
}
