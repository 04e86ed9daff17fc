using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace NexusTrade.MarketFeed.Notifications;

public sealed class SmtpInboxOptions
{
    /// <summary>Loopback port of the SMTP listener; 0 turns it off.</summary>
    public int SmtpPort { get; set; }
}

/// <summary>
/// A minimal SMTP server (RFC 5321: EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on loopback that
/// captures every message into the inbox, so the email receiver is exercised over the real protocol.
/// </summary>
public sealed class SmtpInboxServer(NotificationInbox inbox, IOptions<SmtpInboxOptions> options, ILogger<SmtpInboxServer> logger) : BackgroundService
{
    private const int MaxMessageBytes = 1 << 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SmtpPort <= 0) return;
        var listener = new TcpListener(IPAddress.Loopback, options.Value.SmtpPort);
        listener.Start();
        logger.LogInformation("SMTP inbox listening on 127.0.0.1:{Port}", options.Value.SmtpPort);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = Task.Run(() => ServeAsync(client, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        string? from = null;
        var recipients = new List<string>();
        try
        {
            await writer.WriteLineAsync("220 nexustrade-inbox ESMTP ready");
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-nexustrade-inbox");
                        await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                        await writer.WriteLineAsync($"250 SIZE {MaxMessageBytes}");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 nexustrade-inbox");
                        break;
                    case "AUTH":
                        if (line.StartsWith("AUTH LOGIN", StringComparison.OrdinalIgnoreCase))
                        {
                            await writer.WriteLineAsync("334 VXNlcm5hbWU6");
                            await reader.ReadLineAsync(timeout.Token);
                            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
                            await reader.ReadLineAsync(timeout.Token);
                        }
                        else if (line.Split(' ').Length < 3)
                        {
                            await writer.WriteLineAsync("334 ");
                            await reader.ReadLineAsync(timeout.Token);
                        }
                        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf(':') + 1)..].Trim();
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        recipients.Add(line[(line.IndexOf(':') + 1)..].Trim());
                        await writer.WriteLineAsync("250 2.1.5 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var message = await ReadDataAsync(reader, timeout.Token);
                        if (message is null)
                        {
                            await writer.WriteLineAsync("552 5.3.4 Message too big");
                            break;
                        }
                        var subject = message.Split("\r\n").FirstOrDefault(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))?[8..].Trim() ?? "";
                        inbox.Add("email", subject, new JsonObject { ["from"] = from, ["to"] = new JsonArray(recipients.Select(r => (JsonNode?)r).ToArray()) }, message);
                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
        }
    }

    /// <summary>Reads the DATA section up to the lone dot; null when it exceeds the size limit.</summary>
    private static async Task<string?> ReadDataAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var message = new StringBuilder();
        var tooBig = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line && line != ".")
        {
            // Past the limit the rest is read and discarded, so the session stays in step with the client.
            if (tooBig) continue;
            message.Append(line.StartsWith("..") ? line[1..] : line).Append("\r\n");
            tooBig = message.Length > MaxMessageBytes;
        }
        return tooBig ? null : message.ToString();
    }
}
