using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NexusTrade.AlertInbox.Html;
using NexusTrade.AlertInbox.Notifications;

namespace NexusTrade.Tests.AlertInbox;

public sealed class AlertInboxTests
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public void PagerDuty_events_are_checked_like_the_real_api()
    {
        var valid = JsonNode.Parse("""{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"x","severity":"critical"}}""");
        Assert.Empty(PagerDutyEvent.Validate(valid));
        Assert.Empty(PagerDutyEvent.Validate(JsonNode.Parse("""{"routing_key":"k","event_action":"resolve","dedup_key":"d"}""")));

        var errors = PagerDutyEvent.Validate(JsonNode.Parse("""{"event_action":"trigger","payload":{"severity":"bad"}}"""));
        Assert.Contains(errors, e => e.Contains("routing_key"));
        Assert.Contains(errors, e => e.Contains("summary"));
        Assert.Contains(errors, e => e.Contains("severity"));
        Assert.Contains(PagerDutyEvent.Validate(JsonNode.Parse("""{"routing_key":"k","event_action":"resolve"}""")), e => e.Contains("dedup_key"));
    }

    [Fact]
    public void Each_vendor_format_yields_alert_status_severity_and_summary()
    {
        var inbox = Received();
        var digests = inbox.List(null).ToDictionary(n => n.Channel, NotificationDigest.Of);

        Assert.Equal(new NotificationDigest("DataProviderFailing", "firing", "critical", "Provider down " + Script), digests["webhook:deadmansswitch"]);
        Assert.Equal(new NotificationDigest("DataProviderFailing", "resolved", "critical", "Provider down"), digests["pagerduty"]);
        Assert.Equal(new NotificationDigest("ApiHighLatency", "resolved", "warning", "p99 above 500 ms"), digests["slack"]);
        Assert.Equal(new NotificationDigest("SloBurnSlow", "firing", "ticket", "Budget burning slowly"), digests["email"]);
    }

    [Fact]
    public void The_page_lists_every_notification_readably()
    {
        var page = NotificationPage.Render(Received().List(null), channel: null, nonce: "n0nce");

        foreach (var text in new[] { "Slack", "PagerDuty", "E-mail", "Webhook deadmansswitch", "DataProviderFailing", "ApiHighLatency", "SloBurnSlow", "firing", "resolved", "critical", "ticket" })
        {
            Assert.Contains(text, page);
        }
        Assert.Contains("<details><summary>Payload</summary>", page);
        Assert.Contains("""<script nonce="n0nce">""", page);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.True(page.IndexOf("SloBurnSlow", StringComparison.Ordinal) < page.IndexOf("ApiHighLatency", StringComparison.Ordinal), "newest first");
    }

    [Fact]
    public void The_page_encodes_what_it_received()
    {
        var page = NotificationPage.Render(Received().List(null), channel: null, nonce: "n0nce");

        Assert.DoesNotContain(Script, page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.Single(page.Split("<script").Skip(1));
    }

    /// <summary>One notification per channel, shaped as Alertmanager sends them with the repository's templates.</summary>
    private static NotificationInbox Received()
    {
        var inbox = new NotificationInbox(NullLogger<NotificationInbox>.Instance);
        var labels = new JsonObject { ["alertname"] = "DataProviderFailing", ["severity"] = "critical" };
        inbox.Add("webhook:deadmansswitch", "firing", new JsonObject
        {
            ["status"] = "firing",
            ["commonLabels"] = labels,
            ["commonAnnotations"] = new JsonObject { ["summary"] = "Provider down " + Script },
        });
        inbox.Add("pagerduty", "resolve: d1", JsonNode.Parse("""
            {"routing_key":"k","event_action":"resolve","dedup_key":"d1",
             "payload":{"summary":"[RESOLVED] DataProviderFailing (critical) - marketfeed-primary: Provider down","severity":"critical","class":"DataProviderFailing"}}
            """));
        inbox.Add("slack", "[RESOLVED] ApiHighLatency (warning) [api]", JsonNode.Parse("""
            {"attachments":[{"title":"[RESOLVED] ApiHighLatency (warning) [api]","text":":large_green_circle: *p99 above 500 ms*\nThe API is slow."}]}
            """));
        inbox.Add("email", "[NexusTrade] [FIRING:1] SloBurnSlow (ticket)", new JsonObject
        {
            ["subject"] = "[NexusTrade] [FIRING:1] SloBurnSlow (ticket)",
            ["text"] = "[FIRING:1] SloBurnSlow (ticket)\n\nFIRING: Budget burning slowly\n  Details",
        }, "Subject: [NexusTrade] [FIRING:1] SloBurnSlow (ticket)\r\n\r\n" + Script);
        return inbox;
    }
}
