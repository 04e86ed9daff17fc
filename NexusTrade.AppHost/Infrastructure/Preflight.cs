using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// The mistakes a person can make on the way from <c>dotnet run</c> to a running stack, checked before anything starts:
/// a missing host package, a state directory that cannot be written, a second AppHost on the same state directory,
/// a fixed port that another process holds. Each is reported as one line that says what to do, instead of a stack
/// trace or a resource that never becomes healthy. Missing host packages are installed first where no prompt is needed
/// (<see cref="HostPackageInstaller"/>); the line is for what could not be.
/// </summary>
public static class Preflight
{
    public const string LockFileName = "apphost.lock";

    /// <summary>The AppHost's own fixed addresses, from its launch profile or the command line.</summary>
    private static readonly (string Key, string What)[] FixedAddresses =
    [
        ("ASPNETCORE_URLS", "the Aspire dashboard"),
        ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "the dashboard's OTLP endpoint"),
        ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "the dashboard's OTLP/HTTP endpoint"),
        ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "the dashboard's resource service"),
    ];

    /// <summary>
    /// Writes each problem as one line to standard error and returns true when there is none. Publishing checks the
    /// settings only, and fails on a wrong one with the same lines.
    /// </summary>
    public static bool Passes(IDistributedApplicationBuilder builder, StackRuntime runtime, LocalTopology topology)
    {
        foreach (var warning in runtime.Settings.Warnings) Console.WriteLine($"nexustrade: warning: {warning}");
        if (!builder.ExecutionContext.IsRunMode)
        {
            return runtime.Settings.Problems.Count == 0 ? true : throw new InvalidOperationException(string.Join(Environment.NewLine, runtime.Settings.Problems));
        }
        var problems = Problems(builder, runtime, topology);
        foreach (var problem in problems) Console.Error.WriteLine($"nexustrade: {problem}");
        return problems.Count == 0;
    }

    public static IReadOnlyList<string> Problems(IDistributedApplicationBuilder builder, StackRuntime runtime, LocalTopology? topology = null)
    {
        // With a wrong setting the rest would be checked against the wrong values: its lines alone.
        if (runtime.Settings.Problems.Count > 0) return runtime.Settings.Problems;
        var problems = new List<string>();
        if (topology?.Problem(runtime) is { } highAvailability) problems.Add(highAvailability);
        problems.AddRange(PlaceProblems(builder.Configuration, runtime.StateDirectory));
        // Packages are installed only when nothing else stands in the way: never an install for a run that stops anyway.
        if (runtime.IsHost && MissingPackages(runtime, install: problems.Count == 0 && runtime.Settings.InstallMissing) is { } missing) problems.Add(missing);
        if (problems.Count == 0) builder.Services.AddHostedService(_ => new StateDirectoryLock(runtime.StateDirectory));
        return problems;
    }

    /// <summary>The state directory, a second AppHost on it, the fixed ports.</summary>
    private static IEnumerable<string> PlaceProblems(IConfiguration configuration, string stateDirectory)
    {
        if (StateDirectoryProblem(stateDirectory) is { } state) return [state];
        // A second AppHost's ports are the same ones: one line about the real cause is enough.
        if (SecondAppHost(stateDirectory) is { } second) return [second];
        return TakenPorts(configuration);
    }

    /// <summary>
    /// The line for host packages that are not on PATH, or null. With <paramref name="install"/> (nothing else wrong,
    /// <c>NexusTrade:InstallMissing</c> on) they are installed first, and the line names what is still missing and why.
    /// </summary>
    private static string? MissingPackages(StackRuntime runtime, bool install)
    {
        var missing = ComponentCatalog.MissingHostPackages();
        if (missing.Count == 0) return null;
        var why = "";
        if (install)
        {
            var failure = new HostPackageInstaller(runtime.Settings.InstallTimeout, Console.Out).Install(missing, runtime.ChosenBecause);
            var stillMissing = ComponentCatalog.MissingHostPackages();
            if (stillMissing.Count == 0) return null;
            var installed = missing.Except(stillMissing).ToList();
            why = $" ({failure ?? "apt-get succeeded, yet they are still not on PATH"}" +
                  (installed.Count > 0 ? $"; installed meanwhile: {string.Join(", ", installed)})" : ")");
            missing = stillMissing;
        }
        return $"host mode needs {string.Join(", ", missing)}, not found on PATH{why}: run `bash scripts/bootstrap.sh` (it asks sudo for apt-get), " +
               $"or start Docker to run the infrastructure in containers ({AppHostSettings.RuntimeKey}=container).";
    }

    private static string? StateDirectoryProblem(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{AppHostSettings.StateDirectoryKey} '{directory}' is not writable ({ex.Message}): make it writable, " +
                   $"or choose another with --{AppHostSettings.StateDirectoryKey}=DIR.";
        }
    }

    /// <summary>The line for a state directory whose lock another AppHost holds, or null (the lock is let go at once).</summary>
    private static string? SecondAppHost(string directory)
    {
        try
        {
            StateDirectoryLock.Acquire(directory).Dispose();
            return null;
        }
        catch (IOException)
        {
            var pidFile = StateDirectoryLock.PidFile(directory);
            var owner = File.Exists(pidFile) ? $" (PID {File.ReadAllText(pidFile).Trim()})" : "";
            return $"another NexusTrade AppHost{owner} is running on the state directory '{directory}': stop it (Ctrl+C in its terminal) " +
                   $"before starting this one, or give this one its own --{AppHostSettings.StateDirectoryKey}=DIR.";
        }
    }

    private static IEnumerable<string> TakenPorts(IConfiguration configuration)
    {
        // With randomised ports (Aspire's testing builder) the profile's fixed ports are not used at all.
        if (configuration.GetValue<bool>("DcpPublisher:RandomizePorts")) yield break;
        foreach (var (key, what) in FixedAddresses)
        {
            foreach (var url in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port <= 0 || IsFree(uri.Port)) continue;
                yield return $"port {uri.Port} ({what}, {key}={url}) is already in use by another process: stop it " +
                             $"(`ss -ltnp 'sport = :{uri.Port}'` shows which), or change {key} in NexusTrade.AppHost/Properties/launchSettings.json.";
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// An exclusive lock on the state directory while the app runs (two AppHosts on one state directory would run two
    /// Redis servers on one data directory). The operating system lets go of it with the process, even after a crash.
    /// </summary>
    private sealed class StateDirectoryLock(string directory) : Microsoft.Extensions.Hosting.IHostedService, IDisposable
    {
        private FileStream? _held;

        public static string PidFile(string directory) => Path.Combine(directory, LockFileName + ".pid");

        public static FileStream Acquire(string directory) =>
            new(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _held = Acquire(directory);
            File.WriteAllText(PidFile(directory), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose() => _held?.Dispose();
    }
}
