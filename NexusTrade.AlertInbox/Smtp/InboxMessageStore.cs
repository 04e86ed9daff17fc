using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using MimeKit;
using NexusTrade.AlertInbox.Notifications;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace NexusTrade.AlertInbox.Smtp;

/// <summary>Turns each accepted mail into an <c>email</c> notification: envelope, subject and text part (read by MimeKit), raw message.</summary>
public sealed class InboxMessageStore(NotificationInbox inbox) : MessageStore
{
    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        MimeMessage message;
        using (var stream = new MemoryStream(buffer.ToArray(), writable: false))
        {
            try
            {
                message = await MimeMessage.LoadAsync(stream, cancellationToken);
            }
            catch (FormatException)
            {
                return SmtpResponse.TransactionFailed;
            }
        }
        var body = new JsonObject
        {
            ["from"] = transaction.From.AsAddress(),
            ["to"] = new JsonArray(transaction.To.Select(mailbox => (JsonNode?)mailbox.AsAddress()).ToArray()),
            ["subject"] = message.Subject,
            ["text"] = message.TextBody,
        };
        inbox.Add("email", message.Subject ?? "", body, Encoding.UTF8.GetString(buffer));
        return SmtpResponse.Ok;
    }
}
