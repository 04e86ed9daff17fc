namespace NexusTrade.Hosting;

/// <summary>A pinned container image: <see cref="Name"/> is how the stack refers to it, <see cref="Reference"/> what is pulled.</summary>
public sealed record ContainerImage(string Name, string Image, string Tag)
{
    public string Reference => $"{Image}:{Tag}";

    /// <summary><c>[registry[:port]/]repository:tag</c> (the tag is the part after the last ':' that follows the last '/'), or null.</summary>
    public static ContainerImage? TryParse(string name, string? reference)
    {
        var text = reference?.Trim() ?? "";
        var separator = text.LastIndexOf(':');
        var valid = separator > 0 && separator > text.LastIndexOf('/') && separator < text.Length - 1
                    && !text.Any(char.IsWhiteSpace) && !text.Contains('@', StringComparison.Ordinal);
        return valid ? new ContainerImage(name, text[..separator], text[(separator + 1)..]) : null;
    }

    public static ContainerImage Parse(string name, string reference) => TryParse(name, reference)
        ?? throw new ArgumentException($"Image '{reference}' of '{name}': use repository:tag with an explicit tag.", nameof(reference));
}
