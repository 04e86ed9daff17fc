using Microsoft.Extensions.Configuration;

namespace NexusTrade.Kubernetes;

/// <summary>
/// <c>NexusTrade:Images:&lt;name&gt;=image:tag</c>: another image for a pinned one, read once at start-up and used by
/// container mode and the Kubernetes publisher alike (for example the images scripts/build-offline-images.sh builds
/// from Debian packages: <c>NexusTrade:Images:prometheus=nexustrade-offline/prometheus:2.42.0</c>). Only the image
/// changes: the arguments, mounts and volumes stay those of the pinned image's layout.
/// </summary>
public sealed class ContainerImageOverrides
{
    public const string Section = "NexusTrade:Images";

    /// <summary>The images that may be overridden here (the .NET projects' images have their own publish settings).</summary>
    public static IReadOnlyList<ContainerImage> Overridable { get; } =
    [
        ContainerImages.Redis, ContainerImages.Prometheus, ContainerImages.Alertmanager, ContainerImages.Grafana,
        ContainerImages.NodeExporter, ContainerImages.RedisExporter, ContainerImages.BlackboxExporter, ContainerImages.KubeStateMetrics,
    ];

    private readonly IReadOnlyDictionary<string, ContainerImage> _overrides;

    private ContainerImageOverrides(IReadOnlyDictionary<string, ContainerImage> overrides) => _overrides = overrides;

    public static ContainerImageOverrides None { get; } = new(new Dictionary<string, ContainerImage>());

    /// <summary>The overrides by image name, for display and tests.</summary>
    public IReadOnlyDictionary<string, ContainerImage> Overrides => _overrides;

    /// <summary>Reads and validates the section; a wrong name or value is an error that names its key.</summary>
    public static ContainerImageOverrides From(IConfiguration configuration)
    {
        var overrides = new Dictionary<string, ContainerImage>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{entry.Key}";
            var pinned = Overridable.FirstOrDefault(image => image.Name == entry.Key)
                ?? throw new InvalidOperationException(
                    $"{key}: there is no image named '{entry.Key}'; use one of {string.Join(", ", Overridable.Select(i => i.Name))}.");
            overrides[pinned.Name] = Parse(key, pinned, entry.Value);
        }
        return new ContainerImageOverrides(overrides);
    }

    /// <summary>The override of <paramref name="pinned"/>, or the pinned image itself.</summary>
    public ContainerImage Resolve(ContainerImage pinned) => _overrides.GetValueOrDefault(pinned.Name) ?? pinned;

    /// <summary><c>[registry[:port]/]repository:tag</c>: the tag is the part after the last ':' that follows the last '/'.</summary>
    private static ContainerImage Parse(string key, ContainerImage pinned, string? value)
    {
        var text = value?.Trim() ?? "";
        var separator = text.LastIndexOf(':');
        var valid = separator > 0 && separator > text.LastIndexOf('/') && separator < text.Length - 1
                    && !text.Any(char.IsWhiteSpace) && !text.Contains('@', StringComparison.Ordinal);
        if (!valid)
        {
            throw new InvalidOperationException(
                $"{key} is '{value}': use image:tag with an explicit tag, for example {key}=nexustrade-offline/{pinned.Name}:1.0.");
        }
        return pinned with { Image = text[..separator], Tag = text[(separator + 1)..] };
    }
}
