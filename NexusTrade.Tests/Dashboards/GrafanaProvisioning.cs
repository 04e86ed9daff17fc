using NexusTrade.Tests.Infrastructure;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NexusTrade.Tests.Dashboards;

/// <summary>grafana/provisioning/*.yml read with YamlDotNet into the shape Grafana's provisioning documents.</summary>
public static class GrafanaProvisioning
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static IReadOnlyList<Datasource> Datasources() =>
        Read<DatasourcesFile>("datasources", "datasources.yml").Datasources;

    public static IReadOnlyList<DashboardProvider> DashboardProviders() =>
        Read<DashboardProvidersFile>("dashboards", "dashboards.yml").Providers;

    /// <summary>The uid of the one provisioned datasource of <paramref name="type"/>.</summary>
    public static string DatasourceUid(string type) =>
        Datasources().FirstOrDefault(d => d.Type == type)?.Uid
        ?? throw new InvalidOperationException($"no provisioned datasource of type '{type}' with a uid");

    private static T Read<T>(params string[] path)
    {
        using var reader = new StreamReader(RepoPaths.Combine(["grafana", "provisioning", .. path]));
        return Yaml.Deserialize<T>(reader);
    }

    public sealed class DatasourcesFile
    {
        public List<Datasource> Datasources { get; set; } = [];
    }

    public sealed class Datasource
    {
        public string? Name { get; set; }
        public string? Uid { get; set; }
        public string? Type { get; set; }
        public string? Url { get; set; }
        public bool IsDefault { get; set; }
        public Dictionary<string, string> JsonData { get; set; } = [];
    }

    public sealed class DashboardProvidersFile
    {
        public List<DashboardProvider> Providers { get; set; } = [];
    }

    public sealed class DashboardProvider
    {
        public string? Name { get; set; }
        public string? Folder { get; set; }
        public bool AllowUiUpdates { get; set; }
        public Dictionary<string, string> Options { get; set; } = [];
    }
}
