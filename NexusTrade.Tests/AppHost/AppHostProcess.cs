using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>The AppHost as built for this test run, started as `dotnet NexusTrade.AppHost.dll` in host mode.</summary>
internal static class AppHostProcess
{
    /// <summary>The dotnet that runs the tests: found without PATH, which some tests replace.</summary>
    public static string Dotnet { get; } =
        Environment.ProcessPath is { } dotnet && dotnet.EndsWith("dotnet", StringComparison.Ordinal) ? dotnet : "dotnet";

    /// <summary>Host mode on <paramref name="stateDirectory"/>, so that no container engine is asked and no other run is disturbed.</summary>
    public static string[] Arguments(string stateDirectory, params string[] extraArguments) =>
        [RepoPaths.AppHostAssembly(), "--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={stateDirectory}", .. extraArguments];

    /// <summary>Exit code 1 and one line, "nexustrade: …" containing <paramref name="expected"/>.</summary>
    public static void AssertOneLine(int exitCode, string output, string expected)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 1, $"exit code {exitCode}, output:\n{output}");
        var line = Assert.Single(lines);
        Assert.StartsWith("nexustrade: ", line);
        Assert.Contains(expected, line);
    }
}
