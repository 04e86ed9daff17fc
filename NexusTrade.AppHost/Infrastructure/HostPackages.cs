namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// What host mode runs and the Debian package of each, read from <c>scripts/host-packages.txt</c> under the
/// repository root: the one list that <c>scripts/bootstrap.sh</c> installs from as well.
/// </summary>
public sealed class HostPackages
{
    public const string RelativePath = "scripts/host-packages.txt";

    private HostPackages(IReadOnlyList<(string Binary, string Package)> run) => Run = run;

    /// <summary>The binaries the AppHost runs in host mode (purpose <c>run</c>), in the file's order.</summary>
    public IReadOnlyList<(string Binary, string Package)> Run { get; }

    /// <summary>The packages whose binary is not on PATH, each once, in the file's order.</summary>
    public IReadOnlyList<string> Missing() =>
        [.. Run.Where(b => StackRuntime.FindOnPath(b.Binary) is null).Select(b => b.Package).Distinct()];

    public static HostPackages Load(string configRoot)
    {
        var path = Path.Combine(configRoot, RelativePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{AppHostSettings.ConfigRootKey} '{configRoot}' has no {RelativePath}: point it at the NexusTrade repository root.");
        }
        var run = new List<(string, string)>();
        foreach (var line in File.ReadLines(path))
        {
            // Columns: binary, package, purpose (run, tool, test); '#' starts a comment line.
            var columns = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length == 0 || columns[0].StartsWith('#')) continue;
            if (columns.Length < 3) throw new InvalidOperationException($"{path}: '{line}' needs three columns: binary, package, purpose.");
            if (columns[2] == "run") run.Add((columns[0], columns[1]));
        }
        return new HostPackages(run);
    }
}
