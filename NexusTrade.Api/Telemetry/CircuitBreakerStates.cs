using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NexusTrade.Api.Telemetry;

/// <summary>The current circuit-breaker state of every provider, readable as a gauge and by the health report.</summary>
public sealed class CircuitBreakerStates
{
    private readonly ConcurrentDictionary<string, CircuitState> _states = new(StringComparer.Ordinal);

    public void Register(string provider) => _states.TryAdd(provider, CircuitState.Closed);

    public void Set(string provider, CircuitState state) => _states[provider] = state;

    public CircuitState Get(string provider) => _states.GetValueOrDefault(provider, CircuitState.Closed);

    internal IEnumerable<Measurement<int>> Observe()
    {
        foreach (var (provider, current) in _states)
        {
            foreach (var state in Enum.GetValues<CircuitState>())
            {
                yield return new Measurement<int>(state == current ? 1 : 0,
                    new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("state", state.ToLabel()));
            }
        }
    }
}
