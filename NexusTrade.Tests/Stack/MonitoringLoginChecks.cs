using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The monitoring login on the real binaries: every Prometheus and Alertmanager of the app model (each replica in HA
/// mode) answers 401 to a request without credentials or with a wrong password on every path that serves data or
/// takes writes, and serves the monitoring login. The stack's own clients (Prometheus scraping and alerting, the
/// AppHost's health checks) log in too: <see cref="StackHealthChecks"/> sees every target up and every resource healthy.
/// </summary>
public static class MonitoringLoginChecks
{
    /// <summary>
    /// Paths that serve series, configuration or state, or take writes (with a body that a logged-in request gets refused
    /// as bad input, not as unauthorised). No path that redirects: HttpClient drops the credentials when it follows one.
    /// </summary>
    private static readonly (HttpMethod Method, string Path)[] PrometheusPaths =
    [
        (HttpMethod.Get, "/api/v1/query?query=up"), (HttpMethod.Post, "/api/v1/query"), (HttpMethod.Get, "/api/v1/series?match[]=up"),
        (HttpMethod.Get, "/api/v1/targets"), (HttpMethod.Get, "/api/v1/status/config"), (HttpMethod.Get, "/api/v1/rules"),
        (HttpMethod.Get, "/federate?match[]=up"), (HttpMethod.Get, "/metrics"), (HttpMethod.Get, "/-/ready"), (HttpMethod.Get, "/api/v1/labels"),
        (HttpMethod.Post, "/api/v1/admin/tsdb/delete_series?match[]=up"), (HttpMethod.Post, "/-/reload"),
    ];

    private static readonly (HttpMethod Method, string Path)[] AlertmanagerPaths =
    [
        (HttpMethod.Get, "/api/v2/alerts"), (HttpMethod.Post, "/api/v2/alerts"), (HttpMethod.Get, "/api/v2/silences"),
        (HttpMethod.Post, "/api/v2/silences"), (HttpMethod.Get, "/api/v2/status"), (HttpMethod.Get, "/metrics"), (HttpMethod.Get, "/-/ready"),
        (HttpMethod.Get, "/"),
    ];

    /// <summary>
    /// Every Prometheus and Alertmanager of the app model (the component or one of its replicas), chosen by name, not
    /// by the login annotation: one that lost the annotation is checked too, and fails.
    /// </summary>
    public static IReadOnlyList<IResource> Servers(StackFixture stack) =>
        [.. stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(r => IsServer(r.Name))];

    private static bool IsServer(string name) =>
        new[] { PrometheusComponent.Component.Name, AlertmanagerComponent.Component.Name }.Any(c => name == c || name.StartsWith(c + "-", StringComparison.Ordinal));

    public static async Task Every_path_requires_the_login(StackFixture stack, ITestOutputHelper output)
    {
        var servers = Servers(stack);
        Assert.Contains(servers, s => s.Name.StartsWith(PrometheusComponent.Component.Name, StringComparison.Ordinal));
        Assert.Contains(servers, s => s.Name.StartsWith(AlertmanagerComponent.Component.Name, StringComparison.Ordinal));
        foreach (var server in servers)
        {
            var paths = server.Name.StartsWith(PrometheusComponent.Component.Name, StringComparison.Ordinal) ? PrometheusPaths : AlertmanagerPaths;
            var password = stack.LoginPassword(server.Name) ?? throw new Xunit.Sdk.XunitException($"{server.Name} has no monitoring login in the app model");
            foreach (var (method, path) in paths)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(stack, server.Name, method, path, null));
                Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(stack, server.Name, method, path, LocalMonitoringLogin.Header(password + "x")));
                Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(stack, server.Name, method, path,
                    new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")))));
                var loggedIn = await SendAsync(stack, server.Name, method, path, LocalMonitoringLogin.Header(password));
                Assert.True(loggedIn != HttpStatusCode.Unauthorized, $"{server.Name} {method} {path}: 401 with the monitoring login");
                output.WriteLine($"{server.Name} {method} {path}: 401 without, {(int)loggedIn} with the login");
            }
        }
    }

    private static async Task<HttpStatusCode> SendAsync(StackFixture stack, string resource, HttpMethod method, string path, AuthenticationHeaderValue? login)
    {
        using var client = stack.Anonymous(resource);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = login;
        if (method == HttpMethod.Post) request.Content = new StringContent("", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// The cluster's Alertmanager probe (AlertmanagerWorkload.ProbeCommand with MonitoringLogin.ClientConfig, exactly as
    /// published) run against this stack's Alertmanager: it passes with the password file, fails with a wrong one.
    /// </summary>
    public static async Task The_alertmanager_probe_logs_in(StackFixture stack, string alertmanager)
    {
        var directory = Directory.CreateTempSubdirectory("nexustrade-probe-").FullName;
        try
        {
            var passwordFile = Path.Combine(directory, MonitoringLogin.PasswordKey);
            await File.WriteAllTextAsync(Path.Combine(directory, ClusterLogin.ClientConfigKey), MonitoringLogin.ClientConfig(passwordFile));
            var port = stack.App.GetEndpoint(alertmanager, "http").Port;

            await File.WriteAllTextAsync(passwordFile, stack.LoginPassword(alertmanager));
            var command = AlertmanagerWorkload.ProbeCommand(port, directory);
            var (exitCode, log) = await ToolRunner.RunAsync(command[0], command.Skip(1), TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, $"{string.Join(' ', command)}: {log}");

            await File.WriteAllTextAsync(passwordFile, "wrong");
            (exitCode, log) = await ToolRunner.RunAsync(command[0], command.Skip(1), TimeSpan.FromSeconds(30));
            Assert.True(exitCode != 0, $"the probe passed with a wrong password: {log}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
