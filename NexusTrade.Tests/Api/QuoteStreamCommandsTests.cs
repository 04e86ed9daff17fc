using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Streaming;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

public sealed class QuoteStreamCommandsTests : IDisposable
{
    private readonly RecordedMetrics _recorded = new();
    private readonly SubscriptionHub _hub;
    private readonly QuoteStreamOutbox _outbox;
    private readonly QuoteStreamCommands _commands;

    public QuoteStreamCommandsTests()
    {
        var options = new QuoteStreamOptions { MaxSubscriptionsPerConnection = 3, MaxDistinctSymbols = 4 };
        _hub = new SubscriptionHub(Options.Create(options));
        _outbox = new QuoteStreamOutbox(options, _recorded.Metrics);
        _commands = new QuoteStreamCommands(_outbox, _hub, _recorded.Metrics, options.MaxSubscriptionsPerConnection);
    }

    public void Dispose() => _recorded.Dispose();

    private CommandOutcome Handle(string json) => _commands.Handle(Encoding.UTF8.GetBytes(json));

    private static JsonElement Reply(CommandOutcome outcome) => JsonDocument.Parse(outcome.Reply!).RootElement;

    private long Received(string type) => _recorded.Sum("nexustrade.websocket.messages", ("direction", "received"), ("message_type", type));

    [Fact]
    public void Subscribe_normalises_and_deduplicates_the_symbols_acks_and_names_only_the_new_ones()
    {
        var first = Handle("""{"action":"subscribe","symbols":["aapl","AAPL"," msft "]}""");
        Assert.Null(first.Close);
        Assert.Equal(StreamMessageKind.Ack, first.ReplyKind);
        Assert.Equal("""{"type":"ack","action":"subscribe","symbols":["AAPL","MSFT"],"subscriptions":2}""", Encoding.UTF8.GetString(first.Reply!));
        Assert.Equal(["AAPL", "MSFT"], first.Subscribed);
        Assert.Contains(_outbox, _hub.SubscribersOf("AAPL"));

        var second = Handle("""{"action":"subscribe","symbols":["MSFT","GOOG"]}""");
        Assert.Equal(["GOOG"], second.Subscribed);
        Assert.Equal(3, Reply(second).GetProperty("subscriptions").GetInt32());
        Assert.Equal(2, Received("subscribe"));
        Assert.Equal(3, _recorded.Sum("nexustrade.websocket.subscriptions"));
    }

    [Fact]
    public void Unsubscribe_acks_and_names_only_what_was_subscribed()
    {
        Handle("""{"action":"subscribe","symbols":["AAPL","MSFT"]}""");
        var outcome = Handle("""{"action":"unsubscribe","symbols":["msft","GOOG"]}""");

        Assert.Null(outcome.Close);
        Assert.Equal("""{"type":"ack","action":"unsubscribe","symbols":["MSFT","GOOG"],"subscriptions":1}""", Encoding.UTF8.GetString(outcome.Reply!));
        Assert.Equal(["MSFT"], outcome.Unsubscribed);
        Assert.Equal(["AAPL"], _hub.Symbols);
        Assert.Equal(1, Received("unsubscribe"));
        Assert.Equal(1, _recorded.Sum("nexustrade.websocket.subscriptions"));
    }

    [Fact]
    public void Ping_is_answered_with_a_pong()
    {
        var outcome = Handle("""{"action":"ping"}""");
        Assert.Equal(StreamMessageKind.Pong, outcome.ReplyKind);
        Assert.Equal("pong", Reply(outcome).GetProperty("type").GetString());
        Assert.Equal(1, Received("ping"));
    }

    [Theory]
    [InlineData("not json at all", "malformed")]
    [InlineData("null", "malformed")]
    [InlineData("{}", "unknown action")]
    [InlineData("""{"action":"buy","symbols":["AAPL"]}""", "unknown action")]
    [InlineData("""{"action":"subscribe"}""", "valid symbols")]
    [InlineData("""{"action":"subscribe","symbols":[]}""", "valid symbols")]
    [InlineData("""{"action":"subscribe","symbols":["AAPL","<bad>"]}""", "valid symbols")]
    [InlineData("""{"action":"unsubscribe","symbols":["1ABC"]}""", "valid symbols")]
    [InlineData("""{"action":"unsubscribe","symbols":["A","B","C","D"]}""", "valid symbols")]
    [InlineData("""{"action":"subscribe","symbols":["A","B","C","D"]}""", "subscription limit is 3 symbols per connection")]
    public void Bad_commands_close_with_1008_and_a_reason_and_subscribe_nothing(string json, string reason)
    {
        var outcome = Handle(json);

        Assert.NotNull(outcome.Close);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, outcome.Close.Status);
        Assert.Equal(DisconnectReason.PolicyViolation, outcome.Close.Metric);
        Assert.Contains(reason, outcome.Close.Reason);
        Assert.Null(outcome.Reply);
        Assert.Empty(_hub.Symbols);
    }

    [Fact]
    public void Malformed_and_unknown_commands_count_as_invalid_messages()
    {
        Handle("not json");
        Handle("""{"action":"buy"}""");
        Assert.Equal(2, Received("invalid"));
    }

    [Fact]
    public void Subscriptions_beyond_the_per_connection_limit_over_several_commands_close_the_connection()
    {
        Handle("""{"action":"subscribe","symbols":["A","B"]}""");
        var outcome = Handle("""{"action":"subscribe","symbols":["B","C","D"]}""");

        Assert.Equal(StreamClose.SubscriptionLimit(3), outcome.Close);
        Assert.Equal(2, _commands.Subscriptions);
        Assert.Equal(["A", "B"], _hub.Symbols.Order());
    }

    [Fact]
    public void The_server_wide_cap_on_distinct_symbols_closes_with_1013()
    {
        var other = new QuoteStreamOutbox(new QuoteStreamOptions(), _recorded.Metrics);
        foreach (var symbol in new[] { "W", "X", "Y" }) _hub.Subscribe(other, symbol);

        var outcome = Handle("""{"action":"subscribe","symbols":["Y","Z","ZZ"]}""");

        Assert.Equal(StreamClose.TryAgainLater, outcome.Close!.Status);
        Assert.Equal("server is streaming its maximum number of symbols: try again later", outcome.Close.Reason);
        // What fitted under the cap stays subscribed until the connection ends.
        Assert.Equal(2, _commands.Subscriptions);
    }

    [Fact]
    public void Unsubscribe_all_leaves_nothing_in_the_hub_or_the_subscription_gauge()
    {
        Handle("""{"action":"subscribe","symbols":["AAPL","MSFT"]}""");
        _commands.UnsubscribeAll();

        Assert.Empty(_hub.Symbols);
        Assert.Equal(0, _commands.Subscriptions);
        Assert.Equal(0, _recorded.Sum("nexustrade.websocket.subscriptions"));
    }
}
