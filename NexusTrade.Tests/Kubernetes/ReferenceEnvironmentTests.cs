using System.Text.RegularExpressions;
using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The publisher drops what Aspire injects for the local run by Aspire's naming convention (DotNetProject.Environment:
/// <c>services__*</c>, <c>&lt;REFERENCE&gt;_*</c> such as REDIS_HOST, the port variables). Should an Aspire upgrade name
/// them otherwise, they would reach the cluster with local addresses: this fails first.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed partial class ReferenceEnvironmentTests(PublishedManifests published)
{
    [Fact]
    public void A_dotnet_workload_gets_configuration_keys_and_runtime_variables_only()
    {
        var dotnet = published.Workloads.SelectMany(w => w.Containers.Select(c => (Workload: w, Environment: Environment(w, c))))
            .Where(c => c.Environment.ContainsKey("ASPNETCORE_HTTP_PORTS")).ToList();
        Assert.Contains(dotnet, c => c.Workload.Name == "api");

        Assert.All(dotnet, container =>
        {
            var composed = string.Join(' ', container.Environment.Values);
            foreach (var (name, value) in container.Environment)
            {
                Assert.False(name.StartsWith("services__", StringComparison.Ordinal), $"{container.Workload}: {name} is a local service address");
                Assert.False(LocalAddress().IsMatch(value), $"{container.Workload}: {name}={value} names a local address");
                // All capitals is Aspire's spelling for a reference's variables; the app's settings are Section__Key.
                Assert.True(!Capitals().IsMatch(name) || RuntimeVariable().IsMatch(name) || composed.Contains($"$({name})", StringComparison.Ordinal),
                    $"{container.Workload}: {name} is neither a setting, a runtime variable nor part of another value");
            }
        });
    }

    /// <summary>A container's variables: its own and those of the ConfigMaps it takes whole (valueFrom ones as their reference).</summary>
    private Dictionary<string, string> Environment(Workload workload, V1Container container)
    {
        var variables = (container.Env ?? []).ToDictionary(e => e.Name, e => e.Value ?? $"<{e.ValueFrom?.SecretKeyRef?.Name}>");
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is null) continue;
            var map = published.Get<V1ConfigMap>(workload.Namespace, source.ConfigMapRef.Name);
            foreach (var (name, value) in map.Data) variables[name] = value;
        }
        return variables;
    }

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]*$")]
    private static partial Regex Capitals();

    [GeneratedRegex(@"^(ASPNETCORE|DOTNET|OTEL)_")]
    private static partial Regex RuntimeVariable();

    [GeneratedRegex(@"localhost|127\.0\.0\.1|\[::1\]", RegexOptions.IgnoreCase)]
    private static partial Regex LocalAddress();
}
