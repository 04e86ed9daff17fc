using NexusTrade.AlertInbox.Notifications;
using NexusTrade.AlertInbox.Smtp;

namespace NexusTrade.AlertInbox;

public static class AlertInboxServiceCollectionExtensions
{
    /// <summary>The inbox, its SMTP listener, and <see cref="AlertInboxOptions"/> validated at start-up.</summary>
    public static IServiceCollection AddAlertInbox(this IServiceCollection services)
    {
        services.AddOptions<AlertInboxOptions>()
            .BindConfiguration(AlertInboxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<NotificationInbox>();
        services.AddHostedService<SmtpInboxServer>();
        return services;
    }
}
