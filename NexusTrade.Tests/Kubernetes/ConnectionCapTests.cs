using System.Text.Json;
using NexusTrade.Api.Streaming;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The API's WebSocket connection cap follows from its memory limit (one budget): at the cap, the measured base plus
/// the measured cost per client stays within the published limit less the headroom, so the cap answers (1013) before
/// the kernel OOM-kills the pod. Lowering the limit or raising the cap without the other fails here.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ConnectionCapTests(PublishedManifests published)
{
    [Fact]
    public void The_connection_cap_fits_the_published_memory_limit()
    {
        var limit = published.Workloads.Single(w => w.Name == "api").Pod.Containers.Single().Resources.Limits["memory"].ToInt64();
        var cap = ConfiguredCap();

        var atCap = QuoteStreamOptions.MeasuredBaseBytes + cap * QuoteStreamOptions.MeasuredBytesPerClient;
        var allowed = (long)(limit * (1 - QuoteStreamOptions.MemoryHeadroom));
        Assert.True(atCap <= allowed,
            $"QuoteStream:MaxConnections {cap} needs {atCap >> 20} MiB at the cap, more than {allowed >> 20} MiB of the published {limit >> 20} MiB limit: " +
            $"lower the cap to {(allowed - QuoteStreamOptions.MeasuredBaseBytes) / QuoteStreamOptions.MeasuredBytesPerClient} or raise the limit.");
    }

    /// <summary>The cap the API runs with: its appsettings.json if it sets one, else the option's default.</summary>
    private static long ConfiguredCap()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("NexusTrade.Api", "appsettings.json")));
        return settings.RootElement.TryGetProperty("QuoteStream", out var stream) && stream.TryGetProperty("MaxConnections", out var configured)
            ? configured.GetInt64()
            : new QuoteStreamOptions().MaxConnections;
    }
}
