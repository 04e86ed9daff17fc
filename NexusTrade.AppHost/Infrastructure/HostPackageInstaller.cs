using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// Installs missing host packages with apt-get before the stack starts, as bootstrap.sh would, but only where that needs
/// no prompt: as root, or through <c>sudo -n</c>. Says what it installs and why, streams what apt-get fetches, unpacks
/// and sets up with the elapsed time, and says how long it took. Never prompts, never waits longer than
/// <paramref name="timeout"/> (<c>NexusTrade:InstallTimeout</c>).
/// </summary>
public sealed class HostPackageInstaller(TimeSpan timeout, TextWriter progress)
{
    /// <summary>The lines of apt-get's output that say what it is doing; the rest (reading lists, dpkg's database) is noise.</summary>
    private static readonly string[] ProgressPrefixes = ["Get:", "Fetched ", "Unpacking ", "Setting up "];

    private readonly Stopwatch _clock = new();

    /// <summary>Null when apt-get installed <paramref name="packages"/>; otherwise why not, as one clause.</summary>
    /// <param name="why">Why host mode runs at all (shown before installing).</param>
    public string? Install(IReadOnlyList<string> packages, string why)
    {
        if (StackRuntime.FindOnPath("apt-get") is not { } aptGet) return "not installed: no apt-get on PATH";
        string[] prefix;
        string how;
        if (Environment.IsPrivilegedProcess)
        {
            (prefix, how) = ([], "as root");
        }
        else
        {
            if (StackRuntime.FindOnPath("sudo") is not { } sudo) return "not installed: not root, and no sudo on PATH";
            // sudo -n fails at once where sudo would ask for a password: the run command never prompts.
            var (exitCode, error) = Run(sudo, ["-n", "true"], TimeSpan.FromSeconds(30), echo: false);
            if (exitCode != 0) return $"not installed: `sudo -n` cannot run apt-get without a password: {error}";
            // sudo resets the environment: env passes the two variables on to apt-get.
            (prefix, how) = ([sudo, "-n", "env", "DEBIAN_FRONTEND=noninteractive", "RUNLEVEL=1"], "through sudo -n");
        }

        var list = string.Join(", ", packages);
        progress.WriteLine($"nexustrade: {why}: host mode needs {list}, not found on PATH; installing them with apt-get {how} " +
                           $"(up to {timeout:c}; {AppHostSettings.InstallMissingKey}=false to skip).");
        _clock.Restart();
        string[][] steps = [["update"], ["install", "-y", "--no-install-recommends", .. packages]];
        foreach (var step in steps)
        {
            string[] command = [.. prefix, aptGet, .. step];
            var remaining = timeout - _clock.Elapsed;
            (int? exitCode, string error) = remaining > TimeSpan.Zero ? Run(command[0], command[1..], remaining, echo: true) : (null, "");
            if (exitCode is null)
            {
                return $"apt-get {step[0]} did not finish within {AppHostSettings.InstallTimeoutKey}={timeout:c} and was stopped; " +
                       "if it had begun unpacking, `sudo dpkg --configure -a` finishes that";
            }
            if (exitCode != 0) return $"apt-get {step[0]} failed with exit code {exitCode}: {error}";
        }
        progress.WriteLine($"nexustrade: installed {list} in {Seconds(_clock.Elapsed)}.");
        DisableServices(prefix.Length == 0 ? [] : prefix[..2], packages);
        return null;
    }

    /// <summary>
    /// RUNLEVEL=1 keeps sysvinit from starting the packages' own services; systemd may still have: the AppHost runs each
    /// component itself, on dynamic ports, so those are stopped and disabled, as bootstrap.sh does.
    /// </summary>
    private void DisableServices(string[] sudo, IReadOnlyList<string> packages)
    {
        if (StackRuntime.FindOnPath("systemctl") is not { } systemctl) return;
        foreach (var service in packages)
        {
            if (Run(systemctl, ["is-active", "--quiet", service], TimeSpan.FromSeconds(10), echo: false).ExitCode != 0) continue;
            string[] command = [.. sudo, systemctl, "disable", "--now", service];
            Run(command[0], command[1..], TimeSpan.FromSeconds(30), echo: false);
        }
    }

    /// <summary>Exit code (null when stopped at <paramref name="limit"/>) and the error lines of stderr (apt's "E:" lines, else its last line).</summary>
    private (int? ExitCode, string Error) Run(string file, IEnumerable<string> args, TimeSpan limit, bool echo)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        info.Environment["RUNLEVEL"] = "1";
        var errors = new List<string>();
        using var process = Process.Start(info)!;
        process.StandardInput.Close(); // nothing can wait for an answer
        process.OutputDataReceived += (_, e) =>
        {
            if (echo && e.Data is { } line && ProgressPrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal)))
            {
                lock (progress) progress.WriteLine($"nexustrade: {Seconds(_clock.Elapsed),8}  {line}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data)) lock (errors) errors.Add(e.Data.Trim());
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            Stop(process);
            return (null, "");
        }
        process.WaitForExit(); // the last lines of output
        lock (errors)
        {
            var apt = errors.Where(l => l.StartsWith("E: ", StringComparison.Ordinal)).ToList();
            return (process.ExitCode, apt.Count > 0 ? string.Join(" ", apt) : errors.LastOrDefault() ?? "no message on stderr");
        }
    }

    /// <summary>
    /// As root the whole tree goes at once. Through sudo, apt-get runs as root and only sudo can pass a signal on to it:
    /// SIGTERM first, so that no root apt-get is left running, then whatever is still ours.
    /// </summary>
    private static void Stop(Process process)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            _ = Kill(process.Id, 15);
            if (process.WaitForExit(TimeSpan.FromSeconds(10))) return;
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it ended on its own meanwhile
        }
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
