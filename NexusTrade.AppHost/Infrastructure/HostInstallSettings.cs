using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// <c>NexusTrade:InstallMissing</c> (true: install missing host packages before starting, where no prompt is needed)
/// and <c>NexusTrade:InstallTimeout</c> (how long apt-get may take, 00:15:00 by default).
/// </summary>
public sealed record HostInstallSettings(bool InstallMissing, TimeSpan Timeout)
{
    public const string InstallMissingKey = "NexusTrade:InstallMissing";
    public const string InstallTimeoutKey = "NexusTrade:InstallTimeout";

    /// <summary>Generous: a fresh machine fetches about 100 MB of packages, on whatever link it has.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The settings, or null with one line per invalid value added to <paramref name="problems"/>.</summary>
    public static HostInstallSettings? From(IConfiguration configuration, List<string> problems)
    {
        var before = problems.Count;
        var installMissing = true;
        if (configuration[InstallMissingKey] is { } flag && !bool.TryParse(flag, out installMissing))
        {
            problems.Add($"{InstallMissingKey} is '{flag}': use true or false.");
        }
        var timeout = DefaultTimeout;
        // hh:mm:ss only: TimeSpan reads a bare "15" as 15 days.
        if (configuration[InstallTimeoutKey] is { } text &&
            (!text.Contains(':') || !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out timeout) || timeout <= TimeSpan.Zero))
        {
            problems.Add($"{InstallTimeoutKey} is '{text}': use a positive duration as hh:mm:ss, e.g. 00:15:00.");
        }
        return problems.Count == before ? new HostInstallSettings(installMissing, timeout) : null;
    }
}
