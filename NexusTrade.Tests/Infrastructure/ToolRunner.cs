using System.Diagnostics;

namespace NexusTrade.Tests.Infrastructure;

/// <summary>Where the repository's files are, from wherever the tests run.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// NexusTrade.AppHost.dll as built for this test run: the test project references the AppHost, so it is built with
    /// the same configuration and target framework (bin/&lt;configuration&gt;/&lt;tfm&gt;/ of both projects).
    /// </summary>
    public static string AppHostAssembly()
    {
        var testOutput = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var sameBuild = Combine("NexusTrade.AppHost", "bin", testOutput.Parent!.Name, testOutput.Name, "NexusTrade.AppHost.dll");
        if (File.Exists(sameBuild)) return sameBuild;
        var anyBuild = new DirectoryInfo(Combine("NexusTrade.AppHost", "bin"))
            .EnumerateFiles("NexusTrade.AppHost.dll", SearchOption.AllDirectories)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .FirstOrDefault();
        return anyBuild?.FullName ?? throw new InvalidOperationException($"NexusTrade.AppHost.dll not found (looked for {sameBuild}): build the solution first.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NexusTrade.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No NexusTrade.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Runs a command-line tool (promtool, amtool, kubectl, ...) and returns its exit code and combined output.</summary>
public static class ToolRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var (exitCode, standardOutput, standardError) = await RunSeparatelyAsync(file, args, timeout, workingDirectory, environment);
        return (exitCode, standardOutput + standardError);
    }

    /// <summary>The same, with standard output and standard error apart (progress on one, the error line on the other).</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunSeparatelyAsync(string file, IEnumerable<string> args,
        TimeSpan timeout, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
