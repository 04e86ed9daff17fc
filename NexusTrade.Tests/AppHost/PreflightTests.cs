using System.Net;
using System.Net.Sockets;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// A person's own mistakes on the way to <c>dotnet run</c>, made against the real AppHost binary: each ends the run at
/// once with one line that says what to do (exit code 1), never a stack trace or a stack that never becomes healthy.
/// </summary>
public sealed class PreflightTests : IDisposable
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("nexustrade-tests-preflight-").FullName;

    [Fact]
    public async Task A_second_apphost_on_the_same_state_directory_is_refused_in_one_line()
    {
        // What the first AppHost holds while it runs.
        await using var first = new FileStream(Path.Combine(_stateDirectory, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        await File.WriteAllTextAsync(Path.Combine(_stateDirectory, "apphost.lock.pid"), "4242");

        var (exitCode, output) = await RunAppHostAsync();

        AssertOneLine(exitCode, output, "another NexusTrade AppHost (PID 4242) is running on the state directory");
    }

    [Fact]
    public async Task A_taken_dashboard_port_is_named_with_the_setting_to_change()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (exitCode, output) = await RunAppHostAsync($"--ASPNETCORE_URLS=http://localhost:{port}");

        AssertOneLine(exitCode, output, $"port {port} (the Aspire dashboard, ASPNETCORE_URLS=http://localhost:{port}) is already in use");
    }

    [Fact]
    public async Task A_state_directory_that_cannot_be_written_is_named()
    {
        // A path below a regular file can never be created, whoever runs the test (root ignores permission bits).
        var file = Path.Combine(_stateDirectory, "a-file");
        await File.WriteAllTextAsync(file, "");

        var (exitCode, output) = await RunAppHostAsync($"--NexusTrade:StateDirectory={Path.Combine(file, "state")}");

        AssertOneLine(exitCode, output, "NexusTrade:StateDirectory");
        Assert.Contains("is not writable", output);
    }

    [Fact]
    public async Task Missing_host_packages_are_listed_with_the_command_that_installs_them()
    {
        var emptyPath = Directory.CreateDirectory(Path.Combine(_stateDirectory, "empty-path")).FullName;

        var (exitCode, output) = await RunAppHostAsync(environment: new Dictionary<string, string> { ["PATH"] = emptyPath });

        // Every package of the catalogue's host-mode components, in its order.
        var packages = ComponentCatalog.HostMode.Select(c => c.Host!.Package).OfType<string>().Distinct().ToList();
        Assert.Contains(RedisComponent.Component.Host!.Package, packages);
        AssertOneLine(exitCode, output, $"host mode needs {string.Join(", ", packages)}, not found on PATH");
        Assert.Contains("run `bash scripts/bootstrap.sh`", output);
        Assert.Contains("(not installed: no apt-get on PATH)", output); // nothing to install them with
    }

    [Fact]
    public async Task Ha_mode_in_container_mode_is_refused_naming_the_key()
    {
        var (exitCode, output) = await RunAppHostAsync(["--NexusTrade:HighAvailability=true", "--NexusTrade:Runtime=container"]);

        AssertOneLine(exitCode, output, "NexusTrade:HighAvailability=true runs host processes only: add --NexusTrade:Runtime=host");
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    /// <summary>The AppHost as built for this test run, in host mode, on this test's state directory.</summary>
    private Task<(int ExitCode, string Output)> RunAppHostAsync(string? extraArgument = null, IDictionary<string, string>? environment = null) =>
        RunAppHostAsync(extraArgument is null ? [] : [extraArgument], environment);

    private Task<(int ExitCode, string Output)> RunAppHostAsync(string[] extraArguments, IDictionary<string, string>? environment = null) =>
        ToolRunner.RunAsync(AppHostProcess.Dotnet, AppHostProcess.Arguments(_stateDirectory, extraArguments), TimeSpan.FromSeconds(60), environment: environment);

    private static void AssertOneLine(int exitCode, string output, string expected) => AppHostProcess.AssertOneLine(exitCode, output, expected);
}
