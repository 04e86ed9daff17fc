using System.Diagnostics;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// The run command on a machine without host packages, against the real AppHost binary, with stand-ins for apt-get and
/// sudo first on PATH: shell scripts that record their arguments and can be told to fail or to hang. Nothing is really
/// installed, so even a "successful" install ends in the one line that names what is still missing: the stack never
/// starts here. Linux only (shell scripts, /proc, setpriv), like host mode itself.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallMissingTests : IDisposable
{
    /// <summary>The two binaries the stand-in directory holds (stubs, never run): Redis's and Prometheus's.</summary>
    private static readonly string[] Stubbed = [RedisComponent.Component.Host!.Binary, PrometheusComponent.Component.Host!.Binary];

    /// <summary>What host mode needs, from the component catalogue, less the packages of the stubbed binaries.</summary>
    private static readonly string Missing = string.Join(' ', ComponentCatalog.HostMode.Select(c => c.Host!)
        .Where(host => host.Package is not null && !Stubbed.Contains(host.Binary)).Select(host => host.Package).Distinct());

    private const string AptEnvironment = " | DEBIAN_FRONTEND=noninteractive RUNLEVEL=1";

    private const string AptGet = """
        #!/bin/sh
        # apt-get's stand-in: records its arguments and environment; STANDIN_APT=fail fails the install as apt-get does, =hang never ends.
        PATH=/usr/bin:/bin
        here=$(dirname "$0")/..
        echo "$* | DEBIAN_FRONTEND=$DEBIAN_FRONTEND RUNLEVEL=$RUNLEVEL" >> "$here/apt-get.calls"
        case "$1:${STANDIN_APT:-}" in
          install:fail) echo "E: Unable to locate package prometheus-blackbox-exporter" >&2; exit 100 ;;
          install:hang) echo $$ > "$here/apt-get.pid"; exec sleep 300 ;;
        esac
        echo "Get:1 http://deb.debian.org/debian bookworm/main amd64 stand-in-$1 all 1.0 [1 kB]"
        echo "Reading package lists..."
        echo "Unpacking stand-in-$1 (1.0) ..."
        echo "Setting up stand-in-$1 (1.0) ..."
        """;

    private const string Sudo = """
        #!/bin/sh
        # sudo's stand-in: records its arguments; STANDIN_SUDO=password refuses as `sudo -n` does, otherwise runs the command.
        PATH=/usr/bin:/bin
        echo "$*" >> "$(dirname "$0")/../sudo.calls"
        if [ "${STANDIN_SUDO:-}" = password ]; then echo "sudo: a password is required" >&2; exit 1; fi
        [ "$1" = -n ] && shift
        exec "$@"
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("nexustrade-tests-install-").FullName;

    public InstallMissingTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "state"));
        Directory.CreateDirectory(Bin);
        WriteScript("apt-get", AptGet);
        WriteScript("sudo", Sudo);
        foreach (var binary in Stubbed) WriteScript(binary, "#!/bin/sh\nexit 1\n");
    }

    private string Bin => Path.Combine(_root, "bin");

    [Fact]
    public async Task Only_the_missing_packages_are_requested_saying_what_and_why()
    {
        var run = await RunAppHostAsync();

        Assert.Equal(["update" + AptEnvironment, $"install -y --no-install-recommends {Missing}{AptEnvironment}"], Calls("apt-get"));
        var expectedBefore = $"nexustrade: NexusTrade:Runtime=host: host mode needs {Missing.Replace(" ", ", ")}, not found on PATH; " +
                             "installing them with apt-get as root (up to 00:00:20; NexusTrade:InstallMissing=false to skip).";
        if (Environment.IsPrivilegedProcess) Assert.StartsWith(expectedBefore, run.Output);
        Assert.Matches(@"nexustrade: +\d+\.\d s  Get:1 http://deb\.debian\.org/debian bookworm/main amd64 stand-in-install", run.Output);
        Assert.Contains("s  Unpacking stand-in-install (1.0) ...", run.Output);
        Assert.Contains("s  Setting up stand-in-install (1.0) ...", run.Output);
        Assert.DoesNotContain("Reading package lists", run.Output); // only what it fetches, unpacks and sets up
        Assert.Matches($@"nexustrade: installed {Missing.Replace(" ", ", ")} in \d+\.\d s\.", run.Output);
        // The stand-in installed nothing: the re-check names what is still missing.
        AppHostProcess.AssertOneLine(run.ExitCode, run.Error, "(apt-get succeeded, yet they are still not on PATH)");
        AssertNothingStarted(run);
        if (Environment.IsPrivilegedProcess) Assert.Empty(Calls("sudo")); // root needs none
    }

    [Fact]
    public async Task A_failing_package_manager_ends_in_one_line_with_its_error()
    {
        var run = await RunAppHostAsync(environment: new() { ["STANDIN_APT"] = "fail" });

        AppHostProcess.AssertOneLine(run.ExitCode, run.Error,
            $"host mode needs {Missing.Replace(" ", ", ")}, not found on PATH (apt-get install failed with exit code 100: " +
            "E: Unable to locate package prometheus-blackbox-exporter): run `bash scripts/bootstrap.sh` (it asks sudo for apt-get)");
        Assert.DoesNotContain("nexustrade: installed", run.Output);
        AssertNothingStarted(run);
    }

    [Fact]
    public async Task A_hanging_package_manager_is_stopped_at_the_install_timeout()
    {
        var run = await RunAppHostAsync(["--NexusTrade:InstallTimeout=00:00:03"], new() { ["STANDIN_APT"] = "hang" });

        AppHostProcess.AssertOneLine(run.ExitCode, run.Error,
            "(apt-get install did not finish within NexusTrade:InstallTimeout=00:00:03 and was stopped; if it had begun unpacking, `sudo dpkg --configure -a` finishes that)");
        Assert.True(run.Took < TimeSpan.FromSeconds(30), $"took {run.Took}");
        var hung = int.Parse(File.ReadAllText(Path.Combine(_root, "apt-get.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{hung}"), $"the hung apt-get (PID {hung}) is still running");
        AssertNothingStarted(run);
    }

    [Fact]
    public async Task The_opt_out_leaves_the_package_manager_untouched()
    {
        var run = await RunAppHostAsync(["--NexusTrade:InstallMissing=false"]);

        Assert.Empty(Calls("apt-get"));
        Assert.Empty(Calls("sudo"));
        Assert.Equal("", run.Output);
        AppHostProcess.AssertOneLine(run.ExitCode, run.Error,
            $"host mode needs {Missing.Replace(" ", ", ")}, not found on PATH: run `bash scripts/bootstrap.sh` (it asks sudo for apt-get), or start Docker");
    }

    [Fact]
    public async Task Sudo_that_asks_for_a_password_is_not_waited_for()
    {
        var run = await RunAppHostAsync(environment: new() { ["STANDIN_SUDO"] = "password" }, asNobody: true);

        Assert.Equal(["-n true"], Calls("sudo"));
        Assert.Empty(Calls("apt-get"));
        AppHostProcess.AssertOneLine(run.ExitCode, run.Error,
            "(not installed: `sudo -n` cannot run apt-get without a password: sudo: a password is required)");
        AssertNothingStarted(run);
    }

    [Fact]
    public async Task Without_root_apt_get_runs_through_sudo_n_with_its_environment()
    {
        var run = await RunAppHostAsync(asNobody: true);

        var aptGet = Path.Combine(Bin, "apt-get");
        Assert.Equal(["-n true",
                      $"-n env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 {aptGet} update",
                      $"-n env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 {aptGet} install -y --no-install-recommends {Missing}"], Calls("sudo"));
        Assert.Equal(["update" + AptEnvironment, $"install -y --no-install-recommends {Missing}{AptEnvironment}"], Calls("apt-get"));
        Assert.Contains("installing them with apt-get through sudo -n", run.Output);
        AppHostProcess.AssertOneLine(run.ExitCode, run.Error, "(apt-get succeeded, yet they are still not on PATH)");
    }

    [Theory]
    [InlineData("--NexusTrade:InstallTimeout=15", "NexusTrade:InstallTimeout is '15': use a positive duration as hh:mm:ss")]
    [InlineData("--NexusTrade:InstallTimeout=-00:01:00", "NexusTrade:InstallTimeout is '-00:01:00'")]
    [InlineData("--NexusTrade:InstallMissing=yes", "NexusTrade:InstallMissing is 'yes': use true or false.")]
    public async Task An_invalid_install_setting_is_named_and_nothing_is_installed(string setting, string expected)
    {
        var run = await RunAppHostAsync([setting]);

        Assert.Empty(Calls("apt-get"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"nexustrade: {expected}", run.Error);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// The AppHost with only the stand-ins on PATH, and a 20 s install timeout unless given. As nobody (through
    /// setpriv, when the tests run as root) it takes the path of a user who is not root: sudo -n.
    /// </summary>
    private async Task<(int ExitCode, string Output, string Error, TimeSpan Took)> RunAppHostAsync(
        string[]? extraArguments = null, Dictionary<string, string>? environment = null, bool asNobody = false)
    {
        environment ??= [];
        environment["PATH"] = Bin;
        string[] args = AppHostProcess.Arguments(Path.Combine(_root, "state"), ["--NexusTrade:InstallTimeout=00:00:20", .. extraArguments ?? []]);
        var file = AppHostProcess.Dotnet;
        if (asNobody && Environment.IsPrivilegedProcess)
        {
            Assert.True(File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is needed to run the AppHost as a user who is not root");
            foreach (var directory in new[] { _root, Bin, Path.Combine(_root, "state") })
            {
                File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111); // the stand-ins write their records here
            }
            environment["HOME"] = _root;
            (file, args) = ("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", file, .. args]);
        }
        var clock = Stopwatch.StartNew();
        var (exitCode, output, error) = await ToolRunner.RunSeparatelyAsync(file, args, TimeSpan.FromSeconds(90), environment: environment);
        return (exitCode, output, error, clock.Elapsed);
    }

    private void WriteScript(string name, string text)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    /// <summary>Each call's arguments, one a line, as the stand-in recorded them (none if it was never called).</summary>
    private string[] Calls(string tool)
    {
        var path = Path.Combine(_root, $"{tool}.calls");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>The stack never started: no dashboard, and no process left that names this test's directory.</summary>
    private void AssertNothingStarted((int ExitCode, string Output, string Error, TimeSpan Took) run)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("Distributed application started", run.Output + run.Error);
        var left = Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } })
            .Where(cmdline => cmdline.Contains(_root, StringComparison.Ordinal))
            .ToList();
        Assert.True(left.Count == 0, $"processes left running: {string.Join("; ", left)}");
    }
}
