using k8s.Models;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// Grafana's admin password follows its Secret at every start. Grafana itself applies GF_SECURITY_ADMIN_PASSWORD only
/// when it creates grafana.db (conf/defaults.ini: "can be changed before first start of grafana"), so the published pod
/// runs <c>grafana cli admin reset-admin-password --password-from-stdin</c> in an init container first. Its script is
/// taken from the published manifest and run here with a stub <c>grafana</c> that records what it is given.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class GrafanaAdminPasswordTests(PublishedManifests published) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("nexustrade-grafana-init-").FullName;

    private Workload Grafana => published.Workloads.Single(w => w.Name == "grafana");

    private V1Container Init => Assert.Single(Grafana.Pod.InitContainers ?? []);

    [Fact]
    public void An_init_container_of_Grafanas_image_resets_the_password_from_the_servers_secret_on_its_data_volume()
    {
        var server = Grafana.Pod.Containers.Single(c => c.Name == "grafana");
        var serverPassword = server.Env.Single(v => v.Name == "GF_SECURITY_ADMIN_PASSWORD").ValueFrom.SecretKeyRef;

        Assert.Equal("admin-password", Init.Name);
        Assert.Equal(server.Image, Init.Image);
        var initPassword = Init.Env.Single(v => v.Name == "GF_SECURITY_ADMIN_PASSWORD").ValueFrom.SecretKeyRef;
        Assert.Equal((serverPassword.Name, serverPassword.Key), (initPassword.Name, initPassword.Key));
        Assert.Equal(("grafana-admin", "admin-password"), (initPassword.Name, initPassword.Key));
        var data = server.VolumeMounts.Single(m => m.MountPath == "/var/lib/grafana");
        Assert.Contains(Init.VolumeMounts, m => m.Name == data.Name && m.MountPath == data.MountPath && m.ReadOnlyProperty == false);
        Assert.Contains("grafana cli --homepath /usr/share/grafana --config \"${GF_PATHS_CONFIG:-/etc/grafana/grafana.ini}\" admin reset-admin-password --password-from-stdin", Init.Command[^1]);
        // The password reaches the CLI on stdin, never as an argument (visible in the process list).
        Assert.DoesNotContain("reset-admin-password \"$GF_SECURITY_ADMIN_PASSWORD\"", Init.Command[^1]);
    }

    [Fact]
    public async Task Replacing_the_secret_and_restarting_resets_the_admin_password_to_the_new_value()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "grafana.db"), "an existing database");

        var first = await StartAsync("first-password-4b1e");
        var second = await StartAsync("replaced-password-9c2d");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(
            [
                "cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin <first-password-4b1e>",
                "cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin <replaced-password-9c2d>",
            ], Calls());
    }

    [Fact]
    public async Task On_the_first_start_Grafana_creates_its_database_with_the_secrets_password()
    {
        var (exitCode, output) = await StartAsync("first-password-4b1e");

        Assert.True(exitCode == 0, output);
        Assert.Contains("No grafana.db yet", output);
        Assert.Empty(Calls());
    }

    [Fact]
    public async Task The_placeholder_password_stops_Grafana_before_it_starts()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "grafana.db"), "an existing database");

        var (exitCode, output) = await StartAsync("REPLACE_ME");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Secret monitoring/grafana-admin (key admin-password) still holds the placeholder", output);
        Assert.Empty(Calls());
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>One pod start: the init container's command with the Secret's value in its variable, Grafana's CLI stubbed.</summary>
    private async Task<(int ExitCode, string Output)> StartAsync(string password)
    {
        var stub = Path.Combine(_work, "grafana");
        await File.WriteAllTextAsync(stub, "#!/bin/sh\nprintf '%s <%s>\\n' \"$*\" \"$(cat)\" >> \"$GRAFANA_STUB_LOG\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal("/bin/sh", Init.Command[0]);
        return await ToolRunner.RunAsync("sh", Init.Command.Skip(1), TimeSpan.FromSeconds(30), environment: new Dictionary<string, string>
        {
            ["PATH"] = _work + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["GF_PATHS_DATA"] = _work,
            ["GF_SECURITY_ADMIN_PASSWORD"] = password,
            ["GRAFANA_STUB_LOG"] = Path.Combine(_work, "calls.log"),
        });
    }

    private List<string> Calls() => File.Exists(Path.Combine(_work, "calls.log")) ? [.. File.ReadAllLines(Path.Combine(_work, "calls.log"))] : [];
}
