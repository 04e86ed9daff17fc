using System.ComponentModel.DataAnnotations;

namespace NexusTrade.Api.Streaming;

public sealed class QuoteStreamOptions
{
    public const string SectionName = "QuoteStream";

    [Range(1, 500, ErrorMessage = "QuoteStream:MaxSubscriptionsPerConnection must be between 1 and 500.")]
    public int MaxSubscriptionsPerConnection { get; set; } = 50;

    /// <summary>Distinct symbols streamed over all connections: bounds the provider load a crowd of clients can cause.</summary>
    [Range(1, 100_000, ErrorMessage = "QuoteStream:MaxDistinctSymbols must be between 1 and 100000.")]
    public int MaxDistinctSymbols { get; set; } = 2_000;

    /// <summary>
    /// Open WebSocket connections; past it an upgrade is closed at once with 1013. Derived so that the cap answers before
    /// the pod's memory limit: <see cref="MeasuredBaseBytes"/> + N x <see cref="MeasuredBytesPerClient"/> &lt;= limit x
    /// (1 - <see cref="MemoryHeadroom"/>): with the published 512 MiB, N &lt;= 4,791, so 4,500. The test
    /// ConnectionCapTests reads the published limit and fails when the two drift apart.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "QuoteStream:MaxConnections must be between 1 and 1000000.")]
    public int MaxConnections { get; set; } = 4_500;

    /// <summary>The API's largest resident set under the 30-minute soak's load (bench/README.md).</summary>
    public const long MeasuredBaseBytes = 212L * 1024 * 1024;

    /// <summary>The worst memory cost measured per client subscribed to 20 symbols (47.7 KiB, bench websocket-scale at 10,000 clients).</summary>
    public const long MeasuredBytesPerClient = 48_845;

    /// <summary>What the cap keeps free of the memory limit for what the measurements did not see.</summary>
    public const double MemoryHeadroom = 0.15;

    /// <summary>Largest client message accepted; a larger one closes the connection with 1009.</summary>
    [Range(64, 65_536, ErrorMessage = "QuoteStream:MaxMessageBytes must be between 64 and 65536.")]
    public int MaxMessageBytes { get; set; } = 4_096;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "QuoteStream:PushInterval must be between 50 ms and 1 minute.")]
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "QuoteStream:KeepAliveInterval must be between 1 second and 10 minutes.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A send that has not completed after this long marks the client as a slow reader, which is disconnected.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "QuoteStream:SendTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Replies (acks, pongs) queued for one client; a client that lets more pile up is disconnected.</summary>
    [Range(1, 1_000, ErrorMessage = "QuoteStream:MaxPendingReplies must be between 1 and 1000.")]
    public int MaxPendingReplies { get; set; } = 256;
}
