namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// <c>NexusTrade:InstallMissing</c> (true: install missing host packages before starting, where no prompt is needed)
/// and <c>NexusTrade:InstallTimeout</c> (how long apt-get may take), as <see cref="AppHostSettings"/> read them.
/// </summary>
public sealed record HostInstallSettings(bool InstallMissing, TimeSpan Timeout)
{
    public const string InstallMissingKey = AppHostSettings.Section + ":InstallMissing";
    public const string InstallTimeoutKey = AppHostSettings.Section + ":InstallTimeout";

    public static HostInstallSettings From(AppHostSettings settings) => new(settings.InstallMissing, settings.InstallTimeout);
}
