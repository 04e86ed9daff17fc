using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The published API believes X-Forwarded-For from the pod network only (the ingress controller's pods).</summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class TrustedProxyTests(PublishedManifests published)
{
    [Fact]
    public void The_api_trusts_forwarded_headers_from_the_default_pod_network_only()
    {
        var settings = published.Get<V1ConfigMap>("nexustrade", "api-config").Data;

        Assert.Equal("10.244.0.0/16", settings["ClientIdentity__TrustedNetworks__0"]);
        Assert.DoesNotContain(settings.Keys, key => key.StartsWith("ClientIdentity__TrustedProxies", StringComparison.Ordinal));
        Assert.DoesNotContain("ClientIdentity__TrustedNetworks__1", settings.Keys);
    }

    [Fact]
    public async Task A_trusted_network_that_is_not_a_cidr_fails_the_publish_naming_the_key()
    {
        var directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-proxy-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var log = await PublishedManifests.FailingPublishAsync(directory, "--NexusTrade:Kubernetes:TrustedProxyNetworks=10.244.0.0/99");
            Assert.Contains("NexusTrade:Kubernetes:TrustedProxyNetworks: '10.244.0.0/99' is not a network in CIDR notation", log);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
