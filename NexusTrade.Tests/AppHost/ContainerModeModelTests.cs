using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// Container mode cannot run on a machine without a container engine, but its app model can be built and read:
/// the same resources, pinned official images, the repository's config mounted read-only, named volumes for data.
/// </summary>
public sealed class ContainerModeModelTests
{
    /// <summary>The components container mode runs: the catalogue's, less those only the cluster has.</summary>
    public static IEnumerable<InfrastructureComponent> LocalComponents =>
        ComponentCatalog.All.Except(NexusTrade.Kubernetes.KubernetesPublishing.ClusterOnlyComponents);

    [Fact]
    public async Task Container_mode_uses_pinned_images_read_only_config_and_named_volumes()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(["--NexusTrade:Runtime=container"]);
        var resources = builder.Resources.ToDictionary(r => r.Name);

        foreach (var component in LocalComponents)
        {
            var container = Assert.IsAssignableFrom<ContainerResource>(resources[component.Name]);
            var annotation = container.Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.Equal((component.Image.Image, component.Image.Tag), (annotation.Image, annotation.Tag));
            Assert.False(string.IsNullOrEmpty(annotation.Tag) || annotation.Tag == "latest", $"{component.Name} pins its image tag");
            var mounts = container.Annotations.OfType<ContainerMountAnnotation>().ToList();
            Assert.All(mounts.Where(m => m.Type == ContainerMountType.BindMount), m => Assert.True(m.IsReadOnly, $"{component.Name}: bind mount {m.Target} is read-only"));
        }

        Assert.Contains(resources["prometheus"].Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/etc/prometheus/rules" && m.Type == ContainerMountType.BindMount);
        Assert.Contains(resources["grafana"].Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/etc/grafana/provisioning");
        foreach (var stateful in new[] { "redis", "prometheus", "alertmanager", "grafana" })
        {
            Assert.Contains(resources[stateful].Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);
        }
        foreach (var project in new[] { "api", "marketfeed-primary", "marketfeed-secondary", "alert-inbox" })
        {
            Assert.IsType<ProjectResource>(resources[project]);
        }
    }

    [Fact]
    public async Task Image_overrides_change_only_the_image_of_a_container()
    {
        await using var pinned = await ContainerModeAsync();
        await using var overridden = await ContainerModeAsync(
            "--NexusTrade:Images:prometheus=nexustrade-offline/prometheus:2.42.0", "--NexusTrade:Images:redis=nexustrade-offline/redis:7.0.15");

        foreach (var (name, image, tag) in new[] { ("prometheus", "nexustrade-offline/prometheus", "2.42.0"), ("redis", "nexustrade-offline/redis", "7.0.15") })
        {
            var annotation = Container(overridden, name).Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.Equal((image, tag, null), (annotation.Image, annotation.Tag, annotation.Registry));
            Assert.Equal(Mounts(pinned, name), Mounts(overridden, name));
        }
        Assert.Equal(Container(pinned, "alertmanager").Annotations.OfType<ContainerImageAnnotation>().Single().Image,
            Container(overridden, "alertmanager").Annotations.OfType<ContainerImageAnnotation>().Single().Image);
    }

    [Fact]
    public async Task Grafana_can_be_left_out_and_volumes_get_their_prefix()
    {
        await using var builder = await ContainerModeAsync("--NexusTrade:Grafana:Enabled=false", "--NexusTrade:VolumePrefix=run42");
        Assert.DoesNotContain(builder.Resources, r => r.Name == "grafana");
        Assert.Contains(Container(builder, "prometheus").Annotations.OfType<ContainerMountAnnotation>(), m => m.Source == "run42-prometheus-data");
    }

    /// <summary>The app model in container mode, on a state directory of its own (each AppHost locks its state directory).</summary>
    private static Task<IDistributedApplicationTestingBuilder> ContainerModeAsync(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
        [
            "--NexusTrade:Runtime=container",
            $"--NexusTrade:StateDirectory={Path.Combine(Path.GetTempPath(), "nexustrade-model-" + Guid.NewGuid().ToString("N")[..8])}",
            .. args,
        ]);

    private static ContainerResource Container(IDistributedApplicationTestingBuilder builder, string name) =>
        Assert.IsAssignableFrom<ContainerResource>(builder.Resources.Single(r => r.Name == name));

    private static string[] Mounts(IDistributedApplicationTestingBuilder builder, string name) =>
        [.. Container(builder, name).Annotations.OfType<ContainerMountAnnotation>().Select(m => $"{m.Type} -> {m.Target} ro={m.IsReadOnly}")];

    [Fact]
    public async Task Host_mode_runs_the_debian_binaries_on_loopback()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
            ["--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={Path.Combine(Path.GetTempPath(), "nexustrade-model-" + Guid.NewGuid().ToString("N")[..8])}"]);
        var executables = builder.Resources.OfType<ExecutableResource>().ToDictionary(r => r.Name, r => Path.GetFileName(r.Command));
        // Every host-mode component with a Debian package (Grafana runs only where a grafana binary is installed).
        foreach (var component in ComponentCatalog.HostMode.Where(c => c.Host!.Package is not null))
        {
            Assert.Equal(component.Host!.Binary, executables[component.Name]);
        }
        Assert.All(builder.Resources.OfType<ExecutableResource>().SelectMany(r => r.Annotations.OfType<EndpointAnnotation>()),
            endpoint => Assert.False(endpoint.IsProxied, $"{endpoint.Name}: host processes expose their real port"));
    }
}
