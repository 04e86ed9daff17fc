using Microsoft.Extensions.Configuration;

namespace NexusTrade.Hosting;

/// <summary>
/// <c>NexusTrade:Images:&lt;name&gt;=image:tag</c>: another image for a pinned one, read once at start-up and used by
/// container mode and the Kubernetes publisher alike (for example the images scripts/build-offline-images.sh builds
/// from Debian packages: <c>NexusTrade:Images:prometheus=nexustrade-offline/prometheus:2.42.0</c>). Only the image
/// changes: the arguments, mounts and volumes stay those of the pinned image's layout.
/// </summary>
public sealed class ContainerImageOverrides
{
    public const string Section = "NexusTrade:Images";

    private readonly IReadOnlyDictionary<string, (ContainerImage Pinned, ContainerImage Image)> _overrides;

    private ContainerImageOverrides(IReadOnlyDictionary<string, (ContainerImage, ContainerImage)> overrides) => _overrides = overrides;

    public static ContainerImageOverrides None { get; } = new(new Dictionary<string, (ContainerImage, ContainerImage)>());

    /// <summary>Each overridden image: the pinned one and the one that runs in its place.</summary>
    public IEnumerable<(ContainerImage Pinned, ContainerImage Image)> Overrides => _overrides.Values;

    /// <summary>
    /// Reads and validates the section against <paramref name="overridable"/> (the pinned images of the component
    /// catalogue; the .NET projects' images have their own publish settings); a wrong name or value is an error that
    /// names its key.
    /// </summary>
    public static ContainerImageOverrides From(IConfiguration configuration, IReadOnlyCollection<ContainerImage> overridable)
    {
        var overrides = new Dictionary<string, (ContainerImage, ContainerImage)>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{entry.Key}";
            var pinned = overridable.FirstOrDefault(image => image.Name == entry.Key)
                ?? throw new InvalidOperationException(
                    $"{key}: there is no image named '{entry.Key}'; use one of {string.Join(", ", overridable.Select(i => i.Name))}.");
            overrides[pinned.Name] = (pinned, Parse(key, pinned, entry.Value));
        }
        return new ContainerImageOverrides(overrides);
    }

    /// <summary>The override of <paramref name="pinned"/>, or the pinned image itself.</summary>
    public ContainerImage Resolve(ContainerImage pinned) => _overrides.TryGetValue(pinned.Name, out var o) ? o.Image : pinned;

    private static ContainerImage Parse(string key, ContainerImage pinned, string? value) =>
        ContainerImage.TryParse(pinned.Name, value) ?? throw new InvalidOperationException(
            $"{key} is '{value}': use image:tag with an explicit tag, for example {key}=nexustrade-offline/{pinned.Name}:1.0.");
}
