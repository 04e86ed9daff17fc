using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Api.Telemetry;

/// <summary>
/// Every NexusTrade-specific instrument, in one place (see docs/metrics.md). Label values come only from
/// configured provider names and fixed enums, never from user input, so the series count stays bounded.
/// </summary>
public sealed class NexusTradeMetrics
{
    public const string MeterName = "NexusTrade.Api";

    private readonly Counter<long> _cacheLookups;
    private readonly Histogram<double> _cacheLookupDuration;
    private readonly Histogram<double> _providerRequestDuration;
    private readonly Counter<long> _providerFailovers;
    private readonly Counter<long> _circuitBreakerTransitions;
    private readonly Counter<long> _quotesServed;
    private readonly Counter<long> _quotesUnavailable;
    private readonly UpDownCounter<long> _webSocketConnections;
    private readonly UpDownCounter<long> _webSocketSubscriptions;
    private readonly Counter<long> _webSocketMessages;
    private readonly Counter<long> _webSocketMessagesDropped;
    private readonly Counter<long> _webSocketDisconnects;
    private readonly Histogram<double> _webSocketConnectionDuration;
    private readonly Counter<long> _webSocketRejected;
    private readonly Histogram<double> _schedulingLag;
    private readonly Histogram<double> _quoteAge;
    private readonly Histogram<double> _quoteDeliveryLatency;
    private readonly TimeProvider _time;

    /// <summary>Quote age and delivery latency: edges at the cache TTL (2 s) and the freshness objective (5 s).</summary>
    public static readonly IReadOnlyList<double> FreshnessBucketsSeconds = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 3600];

    public NexusTradeMetrics(IMeterFactory meterFactory, CircuitBreakerStates circuitBreakers, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var meter = meterFactory.Create(MeterName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = ServiceDefaultsExtensions.LatencyBucketsSeconds };

        _cacheLookups = meter.CreateCounter<long>("nexustrade.cache.lookups", "{lookup}", "Cache lookups by layer (l1 memory, l2 Redis) and result (hit, miss, error).");
        _cacheLookupDuration = meter.CreateHistogram("nexustrade.cache.lookup.duration", "s", "Duration of cache lookups.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _providerRequestDuration = meter.CreateHistogram("nexustrade.provider.request.duration", "s",
            "Duration of quote requests to market-data providers, retries included, by outcome.", advice: latency);
        _providerFailovers = meter.CreateCounter<long>("nexustrade.provider.failovers", "{failover}",
            "Requests that moved from a failing provider to the next one.");
        _circuitBreakerTransitions = meter.CreateCounter<long>("nexustrade.circuit_breaker.transitions", "{transition}",
            "Circuit-breaker state changes per provider, labelled with the state entered.");
        meter.CreateObservableGauge("nexustrade.circuit_breaker.state", circuitBreakers.Observe, "{state}",
            "1 for the current circuit-breaker state of each provider, 0 for the others.");
        _quotesServed = meter.CreateCounter<long>("nexustrade.quotes.served", "{quote}", "Quotes served by source (cache, provider, stale).");
        _quotesUnavailable = meter.CreateCounter<long>("nexustrade.quotes.unavailable", "{quote}",
            "Quotes that could not be served: every provider failed and no cached value existed.");
        _webSocketConnections = meter.CreateUpDownCounter<long>("nexustrade.websocket.connections", "{connection}", "Open WebSocket connections.");
        _webSocketSubscriptions = meter.CreateUpDownCounter<long>("nexustrade.websocket.subscriptions", "{subscription}", "Active symbol subscriptions over all connections.");
        _webSocketMessages = meter.CreateCounter<long>("nexustrade.websocket.messages", "{message}", "WebSocket messages by direction and type.");
        _webSocketMessagesDropped = meter.CreateCounter<long>("nexustrade.websocket.messages.dropped", "{message}",
            "Quote updates not delivered to a slow reader: coalesced into a newer update or dropped with the connection.");
        _webSocketDisconnects = meter.CreateCounter<long>("nexustrade.websocket.disconnects", "{connection}", "Closed WebSocket connections by reason.");
        _webSocketConnectionDuration = meter.CreateHistogram("nexustrade.websocket.connection.duration", "s", "How long WebSocket connections stay open.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 60, 300, 900, 3600, 14400] });
        _webSocketRejected = meter.CreateCounter<long>("nexustrade.websocket.rejected", "{connection}",
            "WebSocket upgrade requests refused because the connection cap was reached.");
        _schedulingLag = meter.CreateHistogram("nexustrade.runtime.scheduling.lag", "s",
            "How late a periodic timer callback ran: thread-pool starvation shows here first (the .NET counterpart of event-loop lag).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        var freshness = new InstrumentAdvice<double> { HistogramBucketBoundaries = FreshnessBucketsSeconds };
        _quoteAge = meter.CreateHistogram("nexustrade.quote.age", "s",
            "Age of a quote (since NexusTrade fetched it from the vendor) when it reached the client, by channel, provider and staleness.",
            advice: freshness);
        _quoteDeliveryLatency = meter.CreateHistogram("nexustrade.quote.delivery.latency", "s",
            "From the vendor's quote timestamp (whole seconds) to the WebSocket push of that quote, by provider.", advice: freshness);
    }

    /// <summary>
    /// A cache read; its <paramref name="duration"/> only for a layer worth timing (Redis): an L1 read takes well under
    /// a microsecond, below the histogram's first bucket, so timing it told nothing and cost every request.
    /// </summary>
    public void CacheLookup(string cache, CacheLayer layer, CacheResult result, TimeSpan? duration = null)
    {
        var tags = new TagList { { "cache.name", cache }, { "cache.layer", layer.ToLabel() }, { "cache.result", result.ToLabel() } };
        _cacheLookups.Add(1, tags);
        if (duration is { } took)
        {
            _cacheLookupDuration.Record(took.TotalSeconds,
                new KeyValuePair<string, object?>("cache.name", cache), new KeyValuePair<string, object?>("cache.layer", layer.ToLabel()));
        }
    }

    public void ProviderRequest(string provider, ProviderOutcome outcome, TimeSpan duration) =>
        _providerRequestDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome.ToLabel()));

    public void ProviderFailover(string from, string to) =>
        _providerFailovers.Add(1, new KeyValuePair<string, object?>("from_provider", from), new KeyValuePair<string, object?>("to_provider", to));

    public void CircuitBreakerTransition(string provider, CircuitState state) =>
        _circuitBreakerTransitions.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("state", state.ToLabel()));

    public void QuoteServed(QuoteSource source) => _quotesServed.Add(1, new KeyValuePair<string, object?>("source", source.ToLabel()));

    public void QuoteUnavailable() => _quotesUnavailable.Add(1);

    /// <summary>A quote handed to a client (REST response written, WebSocket push sent): its age, and for pushes the vendor-to-client latency.</summary>
    public void QuoteDelivered(DeliveryChannel channel, Quote quote)
    {
        var now = _time.GetUtcNow();
        var provider = new KeyValuePair<string, object?>("provider", quote.Provider);
        _quoteAge.Record(Math.Max(0, (now - quote.FetchedAt).TotalSeconds),
            new KeyValuePair<string, object?>("channel", channel.ToLabel()), provider, new KeyValuePair<string, object?>("stale", quote.Stale ? "true" : "false"));
        if (channel == DeliveryChannel.Websocket) _quoteDeliveryLatency.Record(Math.Max(0, (now - quote.VendorTimestamp).TotalSeconds), provider);
    }

    public void WebSocketOpened() => _webSocketConnections.Add(1);

    public void WebSocketClosed(DisconnectReason reason, TimeSpan duration)
    {
        _webSocketConnections.Add(-1);
        _webSocketDisconnects.Add(1, new KeyValuePair<string, object?>("reason", reason.ToLabel()));
        _webSocketConnectionDuration.Record(duration.TotalSeconds);
    }

    public void WebSocketRejected() => _webSocketRejected.Add(1);

    public void WebSocketSubscriptionsChanged(int delta)
    {
        if (delta != 0) _webSocketSubscriptions.Add(delta);
    }

    public void WebSocketMessage(MessageDirection direction, StreamMessageKind kind) => WebSocketMessages(direction, kind, 1);

    /// <summary>Several messages of one kind at once (a writer's batch of quote updates): one recording instead of one per message.</summary>
    public void WebSocketMessages(MessageDirection direction, StreamMessageKind kind, long count)
    {
        if (count <= 0) return;
        _webSocketMessages.Add(count, new KeyValuePair<string, object?>("direction", direction.ToLabel()),
            new KeyValuePair<string, object?>("message_type", kind.ToLabel()));
    }

    public void WebSocketMessagesDropped(DropReason reason, long count = 1) =>
        _webSocketMessagesDropped.Add(count, new KeyValuePair<string, object?>("reason", reason.ToLabel()));

    public void SchedulingLag(TimeSpan lag) => _schedulingLag.Record(lag.TotalSeconds);
}
