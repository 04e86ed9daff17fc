using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NexusTrade.AlertInbox;
using NexusTrade.AlertInbox.Notifications;

namespace NexusTrade.Tests.AlertInbox;

/// <summary>The inbox's services as Program.cs registers them: options checked at start, mail received over loopback SMTP.</summary>
public sealed class AlertInboxHostTests
{
    [Theory]
    [InlineData("SmtpPort", "70000")]
    [InlineData("SmtpPort", "-1")]
    [InlineData("MaxMessageBytes", "10")]
    public async Task Out_of_range_settings_stop_the_start_naming_the_key(string key, string value)
    {
        using var host = InboxHost(new() { [key] = value });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains($"AlertInbox:{key}", error.Message);
    }

    [Fact]
    public Task A_mail_sent_over_smtp_lands_in_the_inbox_as_email() => WithRunningInboxAsync(async (host, port) =>
    {
        // As Alertmanager sends a ticket: logged in, a text and an HTML part.
        using var mail = new MailMessage("alertmanager@nexustrade.example", "sre-tickets@nexustrade.example",
            "[NexusTrade] [FIRING:1] SloBurnSlow (ticket)", "[FIRING:1] SloBurnSlow (ticket)\n\nFIRING: Budget burning slowly\n");
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString("<h2>SloBurnSlow</h2>", null, MediaTypeNames.Text.Html));
        await SendWhenListeningAsync(new SmtpClient("127.0.0.1", port) { Credentials = new NetworkCredential("alertmanager@nexustrade.example", "any") }, mail);

        var email = Assert.Single(host.Services.GetRequiredService<NotificationInbox>().List("email"));
        Assert.Equal("[NexusTrade] [FIRING:1] SloBurnSlow (ticket)", email.Title);
        Assert.Equal("alertmanager@nexustrade.example", email.Body!["from"]!.ToString());
        Assert.Equal("sre-tickets@nexustrade.example", email.Body["to"]![0]!.ToString());
        Assert.Contains("FIRING: Budget burning slowly", email.Body["text"]!.ToString());
        Assert.Contains("<h2>SloBurnSlow</h2>", email.Raw);
        Assert.Equal(new NotificationDigest("SloBurnSlow", "firing", "ticket", "Budget burning slowly"), NotificationDigest.Of(email));
    });

    [Fact]
    public Task The_smtp_listener_answers_on_loopback_only() => WithRunningInboxAsync(async (_, port) =>
    {
        using var mail = new MailMessage("a@nexustrade.example", "b@nexustrade.example", "probe", "probe");
        await SendWhenListeningAsync(new SmtpClient("127.0.0.1", port), mail);
        var listeners = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        Assert.Contains(listeners, l => l.Port == port);
        Assert.All(listeners.Where(l => l.Port == port), l => Assert.True(IPAddress.IsLoopback(l.Address), $"bound to {l.Address}"));
    });

    /// <summary>Runs <paramref name="test"/> against a started inbox whose SMTP listener has a free loopback port.</summary>
    private static async Task WithRunningInboxAsync(Func<IHost, int, Task> test)
    {
        var port = FreeLoopbackPort();
        using var host = InboxHost(new() { ["SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await host.StartAsync();
        try
        {
            await test(host, port);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost InboxHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(s => $"{AlertInboxOptions.SectionName}:{s.Key}", s => s.Value));
        builder.Services.AddAlertInbox();
        return builder.Build();
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The listener starts in the background: retries a refused connection for a few seconds.</summary>
    private static async Task SendWhenListeningAsync(SmtpClient client, MailMessage mail)
    {
        using var _ = client;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.SendMailAsync(mail);
                return;
            }
            catch (SmtpException ex) when (ex.InnerException is SocketException && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
