using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NexusTrade.Tests.Infrastructure;
using NexusTrade.Tests.Kubernetes;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// The local HA mode's app model (NexusTrade:HighAvailability=true): the replicas as separate resources, named as the
/// StatefulSet's pods; without the key, the single resources the rest of the tests rely on; and a publish that ignores it.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class HighAvailabilityModelTests(PublishedManifests published) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-model-ha-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Ha_mode_runs_two_apis_two_prometheus_and_three_gossiping_alertmanagers()
    {
        await using var builder = await HostModeAsync("--NexusTrade:HighAvailability=true");
        var names = builder.Resources.Select(r => r.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "api-0", "api-1", "prometheus-0", "prometheus-1", "alertmanager-0", "alertmanager-1", "alertmanager-2" }, names);
        Assert.DoesNotContain("api", names);
        Assert.DoesNotContain("prometheus", names);
        Assert.DoesNotContain("alertmanager", names);
        foreach (var alertmanager in builder.Resources.Where(r => r.Name.StartsWith("alertmanager-", StringComparison.Ordinal)))
        {
            var gossip = Assert.Single(alertmanager.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "gossip");
            Assert.False(gossip.IsProxied, "memberlist must see its peers' real ports");
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--NexusTrade:HighAvailability=false")]
    public async Task Without_the_key_there_is_one_of_each(params string[] args)
    {
        await using var builder = await HostModeAsync(args);
        var names = builder.Resources.Select(r => r.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "api", "prometheus", "alertmanager" }, names);
        Assert.DoesNotContain(names, n => n.EndsWith("-0", StringComparison.Ordinal));
        Assert.DoesNotContain(builder.Resources.Single(r => r.Name == "alertmanager").Annotations.OfType<EndpointAnnotation>(), e => e.Name == "gossip");
    }

    [Fact]
    public async Task Publishing_ignores_the_key_and_writes_the_same_manifests()
    {
        await PublishedManifests.PublishAsync(_directory, "--NexusTrade:HighAvailability=true");
        var (files, _) = PublishedManifests.Load(_directory);

        Assert.Equal(published.Files.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, file => Assert.True(published.Files[file.Key] == file.Value, $"{file.Key} differs with the key set"));
    }

    private Task<IDistributedApplicationTestingBuilder> HostModeAsync(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
            ["--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={Path.Combine(_directory, "state-" + Guid.NewGuid().ToString("N")[..6])}", .. args]);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
