using Microsoft.Extensions.Configuration;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>How the infrastructure runs: <c>auto</c> (containers when an engine answers), <c>container</c> or <c>host</c>.</summary>
public enum RuntimeChoice
{
    Auto,
    Container,
    Host,
}

/// <summary>
/// Every <c>NexusTrade:*</c> setting of the AppHost, read once at start-up into typed values. Each wrong value, and each
/// key that is no setting at all (a typo would otherwise be ignored), is one problem that names its key; the AppHost
/// reports them all before anything starts (<see cref="Preflight"/>). <c>NexusTrade:Kubernetes</c> belongs to the
/// publisher, which validates its own (<see cref="KubernetesPublishingOptions"/>).
/// </summary>
public sealed record AppHostSettings
{
    public const string Section = "NexusTrade";

    /// <summary>The old place of <see cref="MarketHours"/>, still read (with a warning) when the new key is unset.</summary>
    public const string LegacyMarketHoursKey = "Alertmanager:MarketHours";

    private static readonly Dictionary<string, string[]> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Runtime"] = [], ["HighAvailability"] = [], ["StateDirectory"] = [], ["ConfigRoot"] = [], ["VolumePrefix"] = [],
        ["InstallMissing"] = [], ["InstallTimeout"] = [], ["Grafana"] = ["Enabled", "AnonymousAccess"], ["Alertmanager"] = ["MarketHours"],
        ["Images"] = ["*"], ["Kubernetes"] = ["*"],
    };

    public RuntimeChoice Runtime { get; init; } = RuntimeChoice.Auto;

    /// <summary>The cluster's HA topology as host processes (<see cref="LocalTopology"/>).</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The repository root: prometheus/ and grafana/ are read from there.</summary>
    public required string ConfigRoot { get; init; }

    /// <summary>Host mode's data, generated config and secrets.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Container mode's named volumes are <c>&lt;prefix&gt;-&lt;name&gt;</c>.</summary>
    public string VolumePrefix { get; init; } = "nexustrade";

    public bool GrafanaEnabled { get; init; } = true;

    public bool GrafanaAnonymousAccess { get; init; }

    /// <summary>Install missing host packages with apt-get where no prompt is needed.</summary>
    public bool InstallMissing { get; init; } = true;

    /// <summary>How long apt-get may take; generous: a fresh machine fetches about 100 MB.</summary>
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The local Alertmanager's exchange calendar.</summary>
    public MarketHours MarketHours { get; init; } = MarketHours.Open;

    /// <summary><c>NexusTrade:Images:*</c>, for container mode and the Kubernetes publisher alike.</summary>
    public ContainerImageOverrides Images { get; init; } = ContainerImageOverrides.None;

    /// <summary>What is wrong with the settings, one line per key; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Said once at start-up: settings that still work but have moved.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static string Key(string name) => $"{Section}:{name}";

    /// <summary>Reads the section; a wrong value leaves its default in place and adds a problem instead of throwing.</summary>
    public static AppHostSettings Bind(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection(Section);
        var problems = new List<string>();
        var warnings = new List<string>();
        T Read<T>(Func<T> read, T fallback)
        {
            try
            {
                return read();
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
                return fallback;
            }
        }

        problems.AddRange(UnknownKeys(section));
        var configRoot = Path.GetFullPath(SettingValues.NonEmpty(section["ConfigRoot"]) ?? Path.Combine(appHostDirectory, ".."));
        if (!File.Exists(Path.Combine(configRoot, "prometheus", "prometheus.yml")))
        {
            problems.Add($"{Key("ConfigRoot")} '{configRoot}' does not contain prometheus/prometheus.yml: point it at the NexusTrade repository root.");
        }
        var volumePrefix = SettingValues.NonEmpty(section["VolumePrefix"]) ?? "nexustrade";
        if (!System.Text.RegularExpressions.Regex.IsMatch(volumePrefix, "^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"))
        {
            problems.Add($"{Key("VolumePrefix")} is '{volumePrefix}': use letters, digits, '_', '.' or '-' (a Docker volume name).");
        }

        var marketHours = section.GetSection("Alertmanager");
        if (SettingValues.NonEmpty(marketHours["MarketHours"]) is null && SettingValues.NonEmpty(configuration[LegacyMarketHoursKey]) is not null)
        {
            warnings.Add($"{LegacyMarketHoursKey} has moved to {Key("Alertmanager:MarketHours")}: it is read from the old key this time.");
            marketHours = configuration.GetSection("Alertmanager");
        }

        return new AppHostSettings
        {
            Runtime = Read(() => SettingValues.Choice(section, "Runtime", RuntimeChoice.Auto), RuntimeChoice.Auto),
            HighAvailability = Read(() => SettingValues.Flag(section, "HighAvailability", false), false),
            ConfigRoot = configRoot,
            StateDirectory = Path.GetFullPath(SettingValues.NonEmpty(section["StateDirectory"]) ?? Path.Combine(configRoot, ".state")),
            VolumePrefix = volumePrefix,
            GrafanaEnabled = Read(() => SettingValues.Flag(section.GetSection("Grafana"), "Enabled", true), true),
            GrafanaAnonymousAccess = Read(() => SettingValues.Flag(section.GetSection("Grafana"), "AnonymousAccess", false), false),
            InstallMissing = Read(() => SettingValues.Flag(section, "InstallMissing", true), true),
            InstallTimeout = Read(() => SettingValues.Duration(section, "InstallTimeout", TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(15)),
            MarketHours = Read(() => SettingValues.Choice(marketHours, "MarketHours", MarketHours.Open), MarketHours.Open),
            Images = Read(() => ContainerImageOverrides.From(configuration), ContainerImageOverrides.None),
            Problems = problems,
            Warnings = warnings,
        };
    }

    /// <summary>Keys under NexusTrade that no one reads: a typo such as <c>NexusTrade:Runtim</c> would otherwise be ignored.</summary>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            if (!Keys.TryGetValue(child.Key, out var children))
            {
                yield return $"{child.Path} is not a setting of the AppHost: use one of {string.Join(", ", Keys.Keys.Select(Key))}.";
                continue;
            }
            if (children is ["*"]) continue;
            foreach (var grandchild in child.GetChildren().Where(g => !children.Contains(g.Key, StringComparer.OrdinalIgnoreCase)))
            {
                yield return children.Length == 0
                    ? $"{child.Path} takes a value, not {grandchild.Path}."
                    : $"{grandchild.Path} is not a setting of the AppHost: use one of {string.Join(", ", children.Select(c => $"{child.Path}:{c}"))}.";
            }
        }
    }
}
