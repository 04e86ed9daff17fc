using System.Net;
using Microsoft.Extensions.Options;
using NexusTrade.AlertInbox.Notifications;
using SmtpServer;
using SmtpServer.Authentication;

namespace NexusTrade.AlertInbox.Smtp;

/// <summary>
/// The mail server Alertmanager's email receivers deliver to: the SmtpServer library on 127.0.0.1 only, each message
/// captured into the inbox as channel <c>email</c> (<see cref="InboxMessageStore"/>).
/// </summary>
public sealed class SmtpInboxServer(NotificationInbox inbox, IOptions<AlertInboxOptions> options, ILogger<SmtpInboxServer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.SmtpPort == 0) return;

        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("nexustrade-inbox")
            .MaxMessageSize(settings.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            // Alertmanager logs in (smtp_auth_username); on loopback, AUTH without TLS is what its Go client allows.
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, settings.SmtpPort))
                .AllowUnsecureAuthentication()
                .AuthenticationRequired(false))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new InboxMessageStore(inbox));
        // A stand-in for the company's mail relay: any user name and password are accepted.
        services.Add(new DelegatingUserAuthenticator((_, _) => true));

        logger.LogInformation("SMTP inbox listening on 127.0.0.1:{Port}", settings.SmtpPort);
        try
        {
            await new SmtpServer.SmtpServer(serverOptions, services).StartAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
