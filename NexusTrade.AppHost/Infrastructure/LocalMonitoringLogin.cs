using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// The monitoring login in the local stack (<see cref="MonitoringLogin"/>): each Prometheus and Alertmanager gets its
/// web configuration (the hash) and the password file its own clients read (Prometheus scraping its twin and the
/// Alertmanagers, sending alerts), written from the <c>monitoring-password</c> parameter just before it starts, in a
/// directory of the state only its owner can enter. The AppHost's health checks log in too.
/// </summary>
public static class LocalMonitoringLogin
{
    public sealed record Files(string Directory, string WebConfig, string Password);

    /// <summary>Where <paramref name="resource"/>'s login files are kept on this machine.</summary>
    public static Files For(StackRuntime runtime, string resource)
    {
        var directory = runtime.State(resource, "login");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Files(directory, Path.Combine(directory, MonitoringLogin.WebConfigKey), Path.Combine(directory, MonitoringLogin.PasswordKey));
    }

    /// <summary>
    /// <c>--web.config.file=<paramref name="webConfigFile"/></c> (as the process sees it); resolving it writes both files.
    /// A container runs as the image's user, not the AppHost's: there the files are readable by others, which only
    /// the mount makes possible (the directory above them admits its owner alone).
    /// </summary>
    public static RenderedConfigArgument WebConfigArgument(IResourceBuilder<ParameterResource> password, Files files, string webConfigFile, StackRuntime runtime) =>
        new($"--web.config.file={webConfigFile}", async cancellationToken =>
        {
            var value = await password.Resource.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"Parameter '{password.Resource.Name}' has no value.");
            await WriteAsync(files.WebConfig, MonitoringLogin.WebConfig(value), runtime, cancellationToken);
            await WriteAsync(files.Password, value, runtime, cancellationToken);
        }, []);

    private static async Task WriteAsync(string path, string content, StackRuntime runtime, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path + ".tmp", content, cancellationToken);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (runtime.IsHost ? 0 : UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path + ".tmp", mode);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Aspire's HTTP health check on <paramref name="path"/>, logged in when the resource requires the login (Aspire's
    /// own WithHttpHealthCheck sends no credentials, and every path of a server with a web configuration asks for them).
    /// </summary>
    public static IResourceBuilder<T> WithReadinessCheck<T>(this IResourceBuilder<T> resource, string path) where T : IResourceWithEndpoints
    {
        if (resource.Resource.LoginPassword() is not { } password) return resource.WithHttpHealthCheck(path);
        var endpoint = resource.GetEndpoint(EndpointNames.Http);
        var key = $"{resource.Resource.Name}_login_{path}_check";
        resource.ApplicationBuilder.Services.AddHttpClient(key);
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key,
            services => new LoginHealthCheck(services.GetRequiredService<IHttpClientFactory>().CreateClient(key), endpoint, path, password),
            failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }

    private sealed class LoginHealthCheck(HttpClient client, EndpointReference endpoint, string path, ParameterResource password) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(endpoint.Url), path));
                request.Headers.Authorization = Header(await password.GetValueAsync(cancellationToken) ?? "");
                using var response = await client.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"{path} answered {(int)response.StatusCode} to user {MonitoringLogin.UserName}");
            }
            catch (HttpRequestException e)
            {
                return HealthCheckResult.Unhealthy($"{path}: {e.Message}", e);
            }
        }
    }

    /// <summary>The Authorization header of the monitoring login.</summary>
    public static AuthenticationHeaderValue Header(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{MonitoringLogin.UserName}:{password}")));
}
