using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

public sealed class MetricLabelsTests
{
    [Fact]
    public void Enum_values_become_snake_case_labels()
    {
        Assert.Equal("half_open", CircuitState.HalfOpen.ToLabel());
        Assert.Equal("circuit_open", ProviderOutcome.CircuitOpen.ToLabel());
        Assert.Equal("slow_consumer", DisconnectReason.SlowConsumer.ToLabel());
        Assert.Equal("hit", CacheResult.Hit.ToLabel());
    }

    [Fact]
    public void Every_label_value_is_a_valid_prometheus_label_value_of_a_fixed_set()
    {
        var values = Enum.GetValues<ProviderOutcome>().Select(v => v.ToLabel())
            .Concat(Enum.GetValues<StreamMessageKind>().Select(v => v.ToLabel()))
            .Concat(Enum.GetValues<DisconnectReason>().Select(v => v.ToLabel()));
        Assert.All(values, v => Assert.Matches("^[a-z][a-z_]*$", v));
    }
}
