using Aspire.Hosting.Testing;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>The local stack's prometheus.yml as the AppHost renders it for the app model of the given settings (nothing is started).</summary>
public static class LocalScrapeConfig
{
    public static async Task<string> RenderAsync(params string[] settings)
    {
        var state = Directory.CreateTempSubdirectory("nexustrade-tests-scrape-model-").FullName;
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
                ["--NexusTrade:Runtime=host", $"--NexusTrade:StateDirectory={state}", .. settings]);
            var prometheus = builder.Resources.First(r => r.Name.StartsWith("prometheus", StringComparison.Ordinal));
            return LocalPrometheusConfig.Render(await File.ReadAllTextAsync(RepoPaths.Combine("prometheus", "prometheus.yml")), prometheus);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
