using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// The web configuration every runtime serves with (MonitoringLogin.WebConfig): Prometheus's own checker accepts it,
/// its hash admits the password and nothing else, and the cluster's files (catalog monitoring-login, run by
/// scripts/monitoring-login.sh) are the password and a web configuration that admits it.
/// </summary>
public sealed class MonitoringLoginTests
{
    [Fact]
    public async Task The_web_configuration_passes_promtool_and_admits_its_password_only()
    {
        var webConfig = MonitoringLogin.WebConfig("correct horse battery");
        Assert.True(MonitoringLogin.Admits(webConfig, "correct horse battery"));
        Assert.False(MonitoringLogin.Admits(webConfig, "correct horse battery "));
        Assert.DoesNotContain("correct horse", webConfig);

        var path = Path.Combine(Directory.CreateTempSubdirectory("nexustrade-web-config-").FullName, MonitoringLogin.WebConfigKey);
        try
        {
            await File.WriteAllTextAsync(path, webConfig);
            var (exitCode, log) = await ToolRunner.RunAsync("promtool", ["check", "web-config", path], TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, log);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void The_cluster_files_are_the_password_and_a_web_configuration_that_admits_it()
    {
        var directory = Directory.CreateTempSubdirectory("nexustrade-login-").FullName;
        var stdin = Console.In;
        try
        {
            Console.SetIn(new StringReader("s3cret-from-the-operator"));
            using var output = new StringWriter();
            Assert.Equal(0, ComponentCatalog.Print([ComponentCatalog.Command, "monitoring-login", directory], output));

            Assert.Equal("s3cret-from-the-operator", File.ReadAllText(Path.Combine(directory, MonitoringLogin.PasswordKey)));
            Assert.True(MonitoringLogin.Admits(File.ReadAllText(Path.Combine(directory, MonitoringLogin.WebConfigKey)), "s3cret-from-the-operator"));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, MonitoringLogin.PasswordKey)));
            Assert.Contains($"kubectl create secret generic {MonitoringLogin.Secret} -n monitoring --from-file={MonitoringLogin.PasswordKey}=", output.ToString());
        }
        finally
        {
            Console.SetIn(stdin);
            Directory.Delete(directory, recursive: true);
        }
    }
}
