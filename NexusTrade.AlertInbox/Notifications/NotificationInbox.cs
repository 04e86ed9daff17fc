using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace NexusTrade.AlertInbox.Notifications;

/// <summary>One notification as a vendor (Slack, PagerDuty, a mail server, a webhook) would have received it.</summary>
public sealed record CapturedNotification(long Id, string Channel, DateTimeOffset ReceivedAt, string Title, JsonNode? Body, string? Raw);

/// <summary>The last <see cref="Capacity"/> notifications, newest last: bounded, whatever Alertmanager sends.</summary>
public sealed class NotificationInbox(ILogger<NotificationInbox> logger)
{
    public const int Capacity = 1_000;
    private readonly ConcurrentQueue<CapturedNotification> _items = new();
    private long _nextId;

    public CapturedNotification Add(string channel, string title, JsonNode? body, string? raw = null)
    {
        var item = new CapturedNotification(Interlocked.Increment(ref _nextId), channel, DateTimeOffset.UtcNow, title, body, raw);
        _items.Enqueue(item);
        while (_items.Count > Capacity && _items.TryDequeue(out _))
        {
        }
        logger.LogInformation("Captured {Channel} notification: {Title}", channel, title);
        return item;
    }

    public IReadOnlyList<CapturedNotification> List(string? channel) =>
        _items.Where(n => channel is null || n.Channel == channel).ToList();

    public void Clear() => _items.Clear();
}
