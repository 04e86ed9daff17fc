using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>The local stack's Prometheus resource and its prometheus.yml as the AppHost renders them for the given settings (nothing is started).</summary>
public static class LocalScrapeConfig
{
    /// <summary>The password file the rendered config names (relative: Prometheus resolves it beside the config).</summary>
    public const string PasswordFile = "login/password";

    public static async Task<string> RenderAsync(params string[] settings) =>
        LocalPrometheusConfig.Render(await File.ReadAllTextAsync(RepoPaths.Combine("prometheus", "prometheus.yml")), await PrometheusAsync(settings), PasswordFile);

    /// <summary>The (first) Prometheus resource of the host-mode app model, with its scrape and probe annotations.</summary>
    public static async Task<IResource> PrometheusAsync(params string[] settings)
    {
        var state = Directory.CreateTempSubdirectory("nexustrade-tests-scrape-model-").FullName;
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
                ["--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={state}", .. settings]);
            return builder.Resources.First(r => r.Name.StartsWith("prometheus", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
