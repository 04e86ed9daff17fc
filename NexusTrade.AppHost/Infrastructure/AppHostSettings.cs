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
    public const string LegacyMarketHoursKey = AlertmanagerSection + ":" + nameof(MarketHours);

    // The full keys, for messages elsewhere; each name is spelled once, as its property (or sub-section) here.
    public const string RuntimeKey = Section + ":" + nameof(Runtime);
    public const string HighAvailabilityKey = Section + ":" + nameof(HighAvailability);
    public const string StateDirectoryKey = Section + ":" + nameof(StateDirectory);
    public const string ConfigRootKey = Section + ":" + nameof(ConfigRoot);
    public const string VolumePrefixKey = Section + ":" + nameof(VolumePrefix);
    public const string InstallMissingKey = Section + ":" + nameof(InstallMissing);
    public const string InstallTimeoutKey = Section + ":" + nameof(InstallTimeout);
    public const string GrafanaEnabledKey = Section + ":" + GrafanaSection + ":" + Enabled;
    public const string MarketHoursKey = Section + ":" + AlertmanagerSection + ":" + nameof(MarketHours);

    private const string GrafanaSection = "Grafana";
    private const string AlertmanagerSection = "Alertmanager";
    private const string Enabled = "Enabled";
    private const string AnonymousAccess = "AnonymousAccess";

    /// <summary>Every key the AppHost reads, and the keys under each section (<c>*</c>: the section's owner validates them).</summary>
    private static readonly Dictionary<string, string[]> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(Runtime)] = [], [nameof(HighAvailability)] = [], [nameof(StateDirectory)] = [], [nameof(ConfigRoot)] = [],
        [nameof(VolumePrefix)] = [], [nameof(InstallMissing)] = [], [nameof(InstallTimeout)] = [],
        [GrafanaSection] = [Enabled, AnonymousAccess], [AlertmanagerSection] = [nameof(MarketHours)],
        [nameof(Images)] = ["*"], ["Kubernetes"] = ["*"],
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

    private static string Key(string name) => $"{Section}:{name}";

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
        var configRoot = Path.GetFullPath(SettingValues.NonEmpty(section[nameof(ConfigRoot)]) ?? Path.Combine(appHostDirectory, ".."));
        if (!File.Exists(Path.Combine(configRoot, "prometheus", "prometheus.yml")))
        {
            problems.Add($"{ConfigRootKey} '{configRoot}' does not contain prometheus/prometheus.yml: point it at the NexusTrade repository root.");
        }
        var volumePrefix = SettingValues.NonEmpty(section[nameof(VolumePrefix)]) ?? "nexustrade";
        if (!System.Text.RegularExpressions.Regex.IsMatch(volumePrefix, "^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"))
        {
            problems.Add($"{VolumePrefixKey} is '{volumePrefix}': use letters, digits, '_', '.' or '-' (a Docker volume name).");
        }

        var alertmanager = section.GetSection(AlertmanagerSection);
        if (SettingValues.NonEmpty(alertmanager[nameof(MarketHours)]) is null && SettingValues.NonEmpty(configuration[LegacyMarketHoursKey]) is not null)
        {
            warnings.Add($"{LegacyMarketHoursKey} has moved to {MarketHoursKey}: it is read from the old key this time.");
            alertmanager = configuration.GetSection(AlertmanagerSection);
        }
        var grafana = section.GetSection(GrafanaSection);
        var defaults = new AppHostSettings { ConfigRoot = configRoot, StateDirectory = "" };

        return defaults with
        {
            Runtime = Read(() => SettingValues.Choice(section, nameof(Runtime), defaults.Runtime), defaults.Runtime),
            HighAvailability = Read(() => SettingValues.Flag(section, nameof(HighAvailability), defaults.HighAvailability), defaults.HighAvailability),
            StateDirectory = Path.GetFullPath(SettingValues.NonEmpty(section[nameof(StateDirectory)]) ?? Path.Combine(configRoot, ".state")),
            VolumePrefix = volumePrefix,
            GrafanaEnabled = Read(() => SettingValues.Flag(grafana, Enabled, defaults.GrafanaEnabled), defaults.GrafanaEnabled),
            GrafanaAnonymousAccess = Read(() => SettingValues.Flag(grafana, AnonymousAccess, defaults.GrafanaAnonymousAccess), defaults.GrafanaAnonymousAccess),
            InstallMissing = Read(() => SettingValues.Flag(section, nameof(InstallMissing), defaults.InstallMissing), defaults.InstallMissing),
            InstallTimeout = Read(() => SettingValues.Duration(section, nameof(InstallTimeout), defaults.InstallTimeout), defaults.InstallTimeout),
            MarketHours = Read(() => SettingValues.Choice(alertmanager, nameof(MarketHours), defaults.MarketHours), defaults.MarketHours),
            Images = Read(() => ContainerImageOverrides.From(configuration, ComponentCatalog.Images), defaults.Images),
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
