using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using NexusTrade.Tests.Infrastructure;

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

    /// <summary>The replica whose data directory is a small filesystem of its own, for the disk-full test.</summary>
    public const string SmallDiskPrometheus = "prometheus-1";

    /// <summary>Big enough for the HA phase's data (a few MiB), small enough to fill in a moment.</summary>
    private const string SmallDiskSize = "64m";

    /// <summary>The mounted data directory of <see cref="SmallDiskPrometheus"/>, or null (then <see cref="SmallDiskProblem"/> says why).</summary>
    public string? SmallDisk { get; private set; }

    public string SmallDiskProblem { get; private set; } = "";

    /// <summary>A size-limited tmpfs under prometheus-1's data directory; mounting needs root (CI runs as root).</summary>
    protected override async Task PrepareStateDirectoryAsync(string stateDirectory)
    {
        var data = Directory.CreateDirectory(Path.Combine(stateDirectory, SmallDiskPrometheus, "data")).FullName;
        var (exitCode, output) = await ToolRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={SmallDiskSize}", "tmpfs", data], TimeSpan.FromSeconds(30));
        if (exitCode == 0) SmallDisk = data;
        else SmallDiskProblem = $"mount -t tmpfs -o size={SmallDiskSize} on {data} failed (needs root): {output.Trim()}";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (SmallDisk is null) return;
        await ToolRunner.RunAsync("umount", [SmallDisk], TimeSpan.FromSeconds(30));
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>host:port of a replica's HTTP endpoint as Prometheus scrapes it (its <c>instance</c> label).</summary>
    public string Instance(string resource)
    {
        var endpoint = App.GetEndpoint(resource, "http");
        return $"127.0.0.1:{endpoint.Port}";
    }

    /// <summary>
    /// The member that sent a PagerDuty event: its <c>client_url</c> is <c>{{ .ExternalURL }}</c>, which locally is the
    /// member's own listen address (no <c>--web.external-url</c> in host mode), so its port names the member.
    /// </summary>
    public string DeliveredBy(JsonElement pagerDutyEvent)
    {
        var clientUrl = pagerDutyEvent.GetProperty("body").GetProperty("client_url").GetString()!;
        var port = new Uri(clientUrl).Port;
        var members = AlertmanagerReplicas.Where(am => Instance(am) == $"127.0.0.1:{port}").ToList();
        Assert.True(members.Count == 1, $"client_url {clientUrl} names one cluster member by its port");
        return members[0];
    }

    /// <summary>Waits until <paramref name="member"/> counts <paramref name="expected"/> cluster members (its own metric).</summary>
    public async Task WaitForMembersAsync(string member, int expected)
    {
        double seen = 0;
        await EventuallyAsync(async () =>
            (seen = (await MetricsScrape.TakeAsync(Client(member))).Sum("alertmanager_cluster_members")) == expected,
            TimeSpan.FromSeconds(90), () => $"{member} sees {expected} cluster members (it sees {seen})");
    }

    public Task WaitForSilenceAsync(string member, string id, string why) =>
        EventuallyAsync(() => AlertmanagerApi.IsSilenceActiveAsync(Client(member), id), TimeSpan.FromSeconds(60), $"silence {id} active on {member} ({why})");
}

[CollectionDefinition(Name)]
public sealed class HighAvailabilityCollection : ICollectionFixture<HighAvailabilityFixture>
{
    public const string Name = "NexusTrade stack in HA mode";
}
