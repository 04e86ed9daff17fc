using System.Diagnostics;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

public enum RuntimeMode { Container, Host }

/// <summary>
/// Where the infrastructure (Redis, Prometheus, Alertmanager, Grafana, exporters) runs: as pinned containers, or as
/// host processes from Debian packages. Chosen by <c>NexusTrade:Runtime</c> (auto, container, host).
/// </summary>
public sealed class StackRuntime
{
    private StackRuntime(RuntimeMode mode, string chosenBecause, string configRoot, string stateDirectory, ContainerImageOverrides images, string volumePrefix)
    {
        Mode = mode;
        ChosenBecause = chosenBecause;
        ConfigRoot = configRoot;
        StateDirectory = stateDirectory;
        Images = images;
        _volumePrefix = volumePrefix;
    }

    private readonly string _volumePrefix;

    public RuntimeMode Mode { get; }

    public bool IsHost => Mode == RuntimeMode.Host;

    /// <summary>Why this mode: the setting, or what <c>auto</c> found (told to a person before packages are installed).</summary>
    public string ChosenBecause { get; }

    /// <summary><c>NexusTrade:Images:*</c>, for container mode and the Kubernetes publisher alike.</summary>
    public ContainerImageOverrides Images { get; }

    /// <summary>The image a container resource runs: the pinned one, or its override.</summary>
    public ContainerImage Image(ContainerImage pinned) => Images.Resolve(pinned);

    /// <summary>The repository root: <c>prometheus/</c> and <c>grafana/</c> live here, the one source of truth for every runtime.</summary>
    public string ConfigRoot { get; }

    /// <summary>Host mode: data, generated config and secrets of the host processes (never inside the repository's tracked files).</summary>
    public string StateDirectory { get; }

    public string PrometheusDirectory => Path.Combine(ConfigRoot, "prometheus");

    public string GrafanaDirectory => Path.Combine(ConfigRoot, "grafana");

    /// <summary>Container mode: the named volume of a component's data, <c>&lt;NexusTrade:VolumePrefix&gt;-&lt;name&gt;</c> (nexustrade-…).</summary>
    public string Volume(string name) => $"{_volumePrefix}-{name}";

    /// <summary>A directory under the state directory, created if missing.</summary>
    public string State(params string[] parts) => Directory.CreateDirectory(Path.Combine([StateDirectory, .. parts])).FullName;

    /// <summary>The runtime of the settings; <c>auto</c> asks the container engines.</summary>
    public static StackRuntime Resolve(IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        (RuntimeMode mode, string because) = settings.Runtime switch
        {
            // Publishing describes containers whatever this machine can run.
            _ when builder.ExecutionContext.IsPublishMode => (RuntimeMode.Container, "publishing"),
            RuntimeChoice.Container => (RuntimeMode.Container, $"{AppHostSettings.RuntimeKey}=container"),
            RuntimeChoice.Host => (RuntimeMode.Host, $"{AppHostSettings.RuntimeKey}=host"),
            _ => ContainerRuntimeAnswers()
                ? (RuntimeMode.Container, "a container engine answered")
                : (RuntimeMode.Host, "no container engine answered (docker info, podman info)"),
        };
        return new StackRuntime(mode, because, settings.ConfigRoot, settings.StateDirectory, settings.Images, settings.VolumePrefix) { Settings = settings };
    }

    /// <summary>Every NexusTrade:* setting of the AppHost, typed.</summary>
    public required AppHostSettings Settings { get; init; }

    /// <summary>The full path of a host binary; a missing one is reported by <see cref="Preflight"/> before anything starts.</summary>
    public static string RequireBinary(string binary) => FindOnPath(binary) ?? binary;

    public static string? FindOnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, binary))
            .FirstOrDefault(File.Exists);

    /// <summary>True when `docker info` (or `podman info`) answers within a few seconds: a client alone is not enough.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var client in new[] { "docker", "podman" })
        {
            if (FindOnPath(client) is not { } path) continue;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(path, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                process.StandardOutput.ReadToEndAsync();
                process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0) return true;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return false;
    }
}
