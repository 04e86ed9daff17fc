using Aspire.Hosting.ApplicationModel;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class AlertInboxComponent
{
    /// <summary>
    /// The vendor simulator in its notification role: it accepts Slack webhooks, PagerDuty Events API v2 calls,
    /// webhooks and SMTP mail from the local Alertmanager, and lists them at <c>/inbox/notifications</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddAlertInbox(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ParameterResource> apiKey) =>
        builder.AddProject<Projects.NexusTrade_MarketFeed>(name)
            .PublishAsKubernetesSimulator(ProjectImage.AlertInbox, MarketFeedComponent.SimulatorBudget)
            .WithEnvironment("MarketFeed__ApiKey", apiKey)
            .WithEndpoint(name: "smtp", scheme: "tcp", env: "Inbox__SmtpPort", isProxied: false)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", url =>
            {
                url.Url = "/inbox/notifications";
                url.DisplayText = "Notifications";
            });
}
