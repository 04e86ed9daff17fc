using System.Reflection;
using NexusTrade.AppHost.Components;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// Every infrastructure component, read from the component files (the <c>Component</c> of each class in
/// <see cref="Components"/>) and the publisher's cluster-only ones: a new component is a new component file. The
/// preflight, the image overrides and the tests enumerate it; the scripts read it through <c>scripts/catalog.sh</c>
/// (<see cref="Print"/>), so that no script lists a package or a component.
/// </summary>
public static class ComponentCatalog
{
    public static IReadOnlyList<InfrastructureComponent> All { get; } =
    [
        .. typeof(RedisComponent).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(RedisComponent).Namespace)
            .Select(type => type.GetField(nameof(RedisComponent.Component), BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<InfrastructureComponent>()
            .Concat(KubernetesPublishing.ClusterOnlyComponents)
            .OrderBy(component => component.Name, StringComparer.Ordinal),
    ];

    /// <summary>The pinned images, each overridable by <c>NexusTrade:Images:&lt;name&gt;</c>.</summary>
    public static IReadOnlyList<ContainerImage> Images { get; } = [.. All.Select(component => component.Image)];

    /// <summary>The components host mode runs.</summary>
    public static IEnumerable<InfrastructureComponent> HostMode => All.Where(component => component.Host is not null);

    /// <summary>The Debian packages of host-mode components whose binary is not on PATH, each once.</summary>
    public static IReadOnlyList<string> MissingHostPackages() =>
    [
        .. HostMode.Select(component => component.Host!)
            .Where(host => host.Package is not null && StackRuntime.FindOnPath(host.Binary) is null)
            .Select(host => host.Package!)
            .Distinct(),
    ];

    /// <summary>What the tests use from Debian besides the components' packages (scripts/bootstrap.sh --test installs them).</summary>
    public static IReadOnlyList<HostPackage> TestTools { get; } =
    [
        new("chromium", "chromium"),    // the dashboard's browser test (Playwright on Debian's chromium)
        new("shellcheck", "shellcheck"), // the scripts' lint test
        new("wrk", "wrk"),              // the benchmarks' load generator
    ];

    public const string Command = "catalog";

    /// <summary>
    /// <c>catalog host-packages</c>: "binary package purpose" a line (purpose run, tool or test; package '-' where none
    /// is packaged). <c>catalog offline-images</c>: "name package" of each component with an offline image.
    /// <c>catalog monitoring-login DIR</c>: the cluster's monitoring login for the password on standard input
    /// (scripts/monitoring-login.sh), see <see cref="WriteMonitoringLogin"/>.
    /// </summary>
    public static int Print(IReadOnlyList<string> args, TextWriter output)
    {
        switch (args.Count > 1 ? args[1] : "")
        {
            case "host-packages":
                foreach (var host in HostMode.Select(component => component.Host!))
                {
                    output.WriteLine($"{host.Binary} {host.Package ?? "-"} run");
                    foreach (var tool in host.Tools) output.WriteLine($"{tool} {host.Package ?? "-"} tool");
                }
                foreach (var tool in TestTools) output.WriteLine($"{tool.Binary} {tool.Package} test");
                return 0;
            case "offline-images":
                foreach (var component in All.Where(component => component.HasOfflineImage)) output.WriteLine($"{component.Name} {component.Host!.Package}");
                return 0;
            case "monitoring-login" when args.Count == 3:
                return WriteMonitoringLogin(args[2], Console.In.ReadToEnd(), output);
            case "monitoring-login" when args.Count == 5 && args[3] == "--cost" && int.TryParse(args[4], out var cost):
                // Another bcrypt cost, only for bench/login-cost.sh to compare with.
                return WriteMonitoringLogin(args[2], Console.In.ReadToEnd(), output, cost);
            default:
                Console.Error.WriteLine($"usage: {Command} host-packages|offline-images|monitoring-login DIR");
                return 2;
        }
    }

    /// <summary>
    /// Writes the Secret's two files into <paramref name="directory"/>, each named after its key: the password and the
    /// web configuration with its hash (<see cref="MonitoringLogin.WebConfig"/>, the same as the local stack's), and
    /// prints the kubectl command that makes the Secret of them.
    /// </summary>
    private static int WriteMonitoringLogin(string directory, string password, TextWriter output, int cost = MonitoringLogin.BcryptCost)
    {
        // Prometheus, promtool and amtool drop surrounding whitespace from a password_file; the hash must be of the same.
        password = password.Trim();
        if (password.Length == 0)
        {
            Console.Error.WriteLine($"{Command} monitoring-login: no password on standard input");
            return 2;
        }
        Directory.CreateDirectory(directory);
        var files = new Dictionary<string, string>
        {
            [MonitoringLogin.PasswordKey] = password,
            [MonitoringLogin.WebConfigKey] = MonitoringLogin.WebConfig(password, cost),
        };
        var fromFiles = "";
        foreach (var (key, content) in files)
        {
            var path = Path.GetFullPath(Path.Combine(directory, key));
            File.WriteAllText(path + ".tmp", content);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(path + ".tmp", path, overwrite: true);
            fromFiles += $" --from-file={key}={path}";
        }
        output.WriteLine($"kubectl create secret generic {MonitoringLogin.Secret} -n {ClusterTopology.MonitoringNamespace}{fromFiles} --dry-run=client -o yaml");
        return 0;
    }
}
