using Aspire.Hosting.ApplicationModel;
using NexusTrade.Kubernetes;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Components;

public static class AlertInboxComponent
{
    /// <summary>
    /// The stand-in for the notification vendors: it accepts Slack webhooks, PagerDuty Events API v2 calls, webhooks
    /// and SMTP mail from the local Alertmanager, and shows them at <c>/inbox</c> (JSON at <c>/inbox/notifications</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddAlertInbox(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddProjectOnOwnPort<Projects.NexusTrade_AlertInbox>(name)
            .PublishAsKubernetesSimulator(ProjectImage.AlertInbox, MarketFeedComponent.SimulatorBudget)
            .WithEndpoint(name: EndpointNames.Smtp, scheme: "tcp", env: "AlertInbox__SmtpPort", isProxied: false)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint(EndpointNames.Http, url =>
            {
                url.Url = "/inbox";
                url.DisplayText = "Notifications";
            });
}
