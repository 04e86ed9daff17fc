using System.Diagnostics;
using System.Text.Json;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace NexusTrade.Api.Providers;

public enum ProviderChainStatus { Found, UnknownSymbol, AllFailed }

public sealed record ProviderChainResult(ProviderChainStatus Status, VendorQuote? Quote, string? FailureSummary);

/// <summary>Asks the providers in their configured order and fails over to the next one when a provider fails.</summary>
public sealed class ProviderChain(IReadOnlyList<FinnhubQuoteProvider> providers, NexusTradeMetrics metrics, ILogger<ProviderChain> logger)
{
    /// <summary>During an outage every request fails the same way: one log line per interval says it (metrics count each).</summary>
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private long _nextFailoverLogAt;
    private long _nextAllFailedLogAt;

    public async Task<ProviderChainResult> FetchAsync(string symbol, CancellationToken cancellationToken)
    {
        var failures = new List<string>(providers.Count);
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[i];
            var started = Stopwatch.GetTimestamp();
            ProviderOutcome outcome;
            string failure;
            try
            {
                var quote = await provider.GetQuoteAsync(symbol, cancellationToken);
                metrics.ProviderRequest(provider.Name, ProviderOutcome.Success, Stopwatch.GetElapsedTime(started));
                return quote is null
                    ? new ProviderChainResult(ProviderChainStatus.UnknownSymbol, null, null)
                    : new ProviderChainResult(ProviderChainStatus.Found, quote, null);
            }
            catch (BrokenCircuitException)
            {
                (outcome, failure) = (ProviderOutcome.CircuitOpen, $"{provider.Name}: circuit open after repeated failures");
            }
            catch (Exception ex) when (ex is TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                (outcome, failure) = (ProviderOutcome.Timeout, $"{provider.Name}: timed out");
            }
            catch (Exception ex) when (ex is HttpRequestException or ProviderResponseException or JsonException or NotSupportedException)
            {
                (outcome, failure) = (ProviderOutcome.Error, $"{provider.Name}: {ex.Message}");
            }

            metrics.ProviderRequest(provider.Name, outcome, Stopwatch.GetElapsedTime(started));
            failures.Add(failure);
            if (i + 1 < providers.Count)
            {
                metrics.ProviderFailover(provider.Name, providers[i + 1].Name);
                if (ShouldLog(ref _nextFailoverLogAt)) logger.LogWarning("Provider {Provider} failed ({Outcome}); failing over to {Next}", provider.Name, outcome.ToLabel(), providers[i + 1].Name);
            }
        }

        if (ShouldLog(ref _nextAllFailedLogAt)) logger.LogError("Every market-data provider failed: {Failures}", string.Join("; ", failures));
        return new ProviderChainResult(ProviderChainStatus.AllFailed, null, "Every market-data provider failed (" + string.Join("; ", failures) + ").");
    }

    private static bool ShouldLog(ref long nextLogAt)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref nextLogAt);
        return now >= next && Interlocked.CompareExchange(ref nextLogAt, now + (long)LogInterval.TotalMilliseconds, next) == next;
    }
}
