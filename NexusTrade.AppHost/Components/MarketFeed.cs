using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using NexusTrade.Kubernetes;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Components;

public static class MarketFeedComponent
{
    /// <summary>What a simulator may use in the cluster (the vendor and notification simulators alike).</summary>
    public static readonly ResourceBudget SimulatorBudget = new("20m", "96Mi", "250m", "256Mi");

    /// <summary>
    /// A market-data vendor simulator (Finnhub wire format). Its fault controls appear as buttons in the Aspire
    /// dashboard: outage, errors, latency, reset.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddMarketFeed(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ParameterResource> apiKey) =>
        builder.AddProjectOnOwnPort<Projects.NexusTrade_MarketFeed>(name)
            .PublishAsKubernetesSimulator(ProjectImage.MarketFeed, SimulatorBudget)
            .WithEnvironment("MarketFeed__ApiKey", apiKey)
            .WithHttpHealthCheck("/health")
            .WithFaultCommand("inject-outage", "Inject outage", "Every quote request fails with 503.", new { outage = true }, "PlugDisconnected")
            .WithFaultCommand("inject-errors", "Inject 50% errors", "Half of the quote requests fail with 500.", new { errorRate = 0.5 }, "ErrorCircle")
            .WithFaultCommand("inject-latency", "Inject 3 s latency", "Every quote answer is delayed by 3 seconds.", new { latencyMs = 3000 }, "Timer")
            .WithHttpCommand("/faults/reset", "Reset faults", commandName: "reset-faults",
                commandOptions: new HttpCommandOptions { Method = HttpMethod.Post, Description = "Clear every injected fault.", IconName = "ArrowReset" });

    private static IResourceBuilder<ProjectResource> WithFaultCommand(this IResourceBuilder<ProjectResource> feed, string commandName,
        string displayName, string description, object faults, string icon) =>
        feed.WithHttpCommand("/faults", displayName, commandName: commandName, commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Put,
            Description = description,
            IconName = icon,
            PrepareRequest = context =>
            {
                context.Request.Content = JsonContent.Create(faults);
                return Task.CompletedTask;
            },
        });
}
