using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// The offline images are built from one Debian suite: of the host's apt sources, the image gets only those of that
/// suite and its updates and security suites (scripts/offline-images/apt-sources.sh). A host that also lists another
/// suite (trixie-backports) failed the image build with "libssl3t64 : Breaks: libssl3" while every source was copied.
/// </summary>
public sealed class OfflineImageSourcesTests : IDisposable
{
    private static readonly string Script = RepoPaths.Combine("scripts", "offline-images", "apt-sources.sh");

    private readonly string _directory = Directory.CreateTempSubdirectory("nexustrade-apt-sources-").FullName;

    [Fact]
    public async Task Deb822_sources_keep_only_the_suites_of_the_image()
    {
        var output = await FilterAsync("debian.sources", """
            Types: deb
            URIs: http://deb.example/debian
            Suites: bookworm bookworm-updates trixie
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://deb.example/debian-security
            Suites: bookworm-security
            Components: main

            Types: deb
            URIs: http://deb.example/debian
            Suites: trixie-backports
            Components: main
            """);

        Assert.DoesNotContain("trixie", output);
        Assert.Contains("Suites: bookworm bookworm-updates\n", output);
        Assert.Contains("Suites: bookworm-security\n", output);
        Assert.Contains("Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg", output);
        Assert.Equal(2, output.Split("Types: deb").Length - 1);
    }

    [Fact]
    public async Task One_line_sources_keep_only_the_suites_of_the_image()
    {
        var output = await FilterAsync("sources.list", """
            deb http://deb.example/debian bookworm main
            deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://deb.example/debian trixie-backports main
            # deb http://deb.example/debian bookworm contrib
            deb-src http://deb.example/debian bookworm main
            deb [signed-by=/usr/share/keyrings/x.gpg] http://security.example/debian-security bookworm-security main
            """);

        Assert.Equal(["deb http://deb.example/debian bookworm main", "deb [signed-by=/usr/share/keyrings/x.gpg] http://security.example/debian-security bookworm-security main"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_image_build_copies_the_hosts_sources_only_through_the_filter()
    {
        var build = await File.ReadAllTextAsync(RepoPaths.Combine("scripts", "build-offline-images.sh"));
        Assert.Contains("apt-sources.sh \"$suite\"", build);
        Assert.DoesNotContain("cp /etc/apt/sources.list", build);
        var (exitCode, output) = await ToolRunner.RunAsync("shellcheck", [Script], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, output);
    }

    private async Task<string> FilterAsync(string fileName, string content)
    {
        var path = Path.Combine(_directory, fileName);
        await File.WriteAllTextAsync(path, content + "\n");
        var (exitCode, output) = await ToolRunner.RunAsync("bash", [Script, "bookworm", path], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, output);
        return output.Replace("\r", "", StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
