using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The stack in container mode on a real engine (whatever DOCKER_HOST names; scripts/container-engine.sh start gives
/// one), with the images scripts/build-offline-images.sh builds from Debian packages as NexusTrade:Images overrides.
/// The .NET projects run on the host and the containers reach them through Aspire's container tunnel. Grafana is left
/// out (NexusTrade:Grafana:Enabled=false): it has no Debian package, so there is no offline image of it. The data
/// volumes have this run's own prefix and are removed at the end; DCP removes the containers and its network.
/// </summary>
public sealed class ContainerStackFixture : StackFixture
{
    /// <summary>
    /// The components with an offline image: one recipe each in scripts/offline-images (the tunnel's base aside); each
    /// image is found among the engine's images (newest tag first).
    /// </summary>
    public static readonly string[] OfflineComponents = [.. Directory.EnumerateFiles(RepoPaths.Combine("scripts", "offline-images"), "*.Dockerfile")
        .Select(recipe => Path.GetFileName(recipe)[..^".Dockerfile".Length]).Where(name => name != "tunnel-base").Order(StringComparer.Ordinal)];

    public const string ImagePrefix = NexusTrade.Kubernetes.KubernetesPublishingOptions.OfflineImagePrefix;

    private static readonly string[] Containers = OfflineComponents;

    public string VolumePrefix { get; } = "nexustrade-test-" + Guid.NewGuid().ToString("N")[..8];

    public IReadOnlyDictionary<string, string> Images { get; private set; } = new Dictionary<string, string>();

    // Cold: DCP builds its tunnel proxy image once per engine (its base-image pull must fail first, offline).
    protected override TimeSpan StartupTimeout => TimeSpan.FromMinutes(8);

    public override bool IsExpectedScrapeAddress(string job, string instance) => Containers.Contains(job)
        ? instance.StartsWith(job + ":", StringComparison.Ordinal)
        : instance.StartsWith("aspire.dev.internal:", StringComparison.Ordinal);

    public override bool IsStackAlertmanager(Uri url, Uri alertmanagerEndpoint) => url.Host == "alertmanager" && url.Port == 9093;

    protected override string[] Arguments(string stateDirectory)
    {
        Images = OfflineComponents.ToDictionary(name => name, FindOfflineImage);
        return
        [
            "--NexusTrade:Runtime=container",
            $"--NexusTrade:StateDirectory={stateDirectory}",
            $"--NexusTrade:VolumePrefix={VolumePrefix}",
            "--NexusTrade:Grafana:Enabled=false",
            .. Images.Select(image => $"--NexusTrade:Images:{image.Key}={image.Value}"),
        ];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        var (_, volumes) = await DockerAsync("volume", "ls", "--quiet", "--filter", $"name={VolumePrefix}-");
        foreach (var volume in volumes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await DockerAsync("volume", "rm", "--force", volume);
        }
    }

    /// <summary>The names of this run's data volumes that exist on the engine.</summary>
    public async Task<string[]> VolumesAsync()
    {
        var (_, volumes) = await DockerAsync("volume", "ls", "--format", "{{.Name}}", "--filter", $"name={VolumePrefix}-");
        return volumes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<(int ExitCode, string Output)> DockerAsync(params string[] args) =>
        await ToolRunner.RunAsync("docker", args, TimeSpan.FromMinutes(1));

    private static string FindOfflineImage(string component)
    {
        var (exitCode, output) = DockerAsync("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", ImagePrefix + component).GetAwaiter().GetResult();
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"No container engine answers (docker image ls: {output.Trim()}): run `sudo scripts/container-engine.sh start` and " +
                "`eval \"$(scripts/container-engine.sh env)\"` before the container-mode tests.");
        }
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? throw new InvalidOperationException($"No image {ImagePrefix}{component}:* on the engine: run scripts/build-offline-images.sh.");
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerStackCollection : ICollectionFixture<ContainerStackFixture>
{
    public const string Name = "NexusTrade stack in container mode";
}
