using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The stack in local HA mode (<c>--NexusTrade:HighAvailability=true</c>, host mode): api-0/1, prometheus-0/1 and
/// alertmanager-0..2 in a gossip cluster, started once for every failover test. <see cref="StackFixture.Api"/>,
/// <see cref="StackFixture.Prometheus"/> and <see cref="StackFixture.Alertmanager"/> are the first replica of each.
/// </summary>
public sealed class HighAvailabilityFixture : StackFixture
{
    public static readonly string[] ApiReplicas = ["api-0", "api-1"];
    public static readonly string[] PrometheusReplicas = ["prometheus-0", "prometheus-1"];
    public static readonly string[] AlertmanagerReplicas = ["alertmanager-0", "alertmanager-1", "alertmanager-2"];

    private static readonly string[] Replicated = ["api", "prometheus", "alertmanager"];

    protected override string[] Arguments(string stateDirectory) => [.. base.Arguments(stateDirectory), "--NexusTrade:HighAvailability=true"];

    protected override IEnumerable<string> HealthyResources =>
        [.. CoreResources.Except(Replicated), .. ApiReplicas, .. AlertmanagerReplicas, .. PrometheusReplicas];

    protected override string ApiResource => ApiReplicas[0];

    protected override string PrometheusResource => PrometheusReplicas[0];

    protected override string AlertmanagerResource => AlertmanagerReplicas[0];

    /// <summary>Four more processes than the default stack on a small machine.</summary>
    protected override TimeSpan StartupTimeout => TimeSpan.FromMinutes(6);

    /// <summary>host:port of a replica's HTTP endpoint as Prometheus scrapes it (its <c>instance</c> label).</summary>
    public string Instance(string resource)
    {
        var endpoint = App.GetEndpoint(resource, "http");
        return $"127.0.0.1:{endpoint.Port}";
    }
}

[CollectionDefinition(Name)]
public sealed class HighAvailabilityCollection : ICollectionFixture<HighAvailabilityFixture>
{
    public const string Name = "NexusTrade stack in HA mode";
}
