using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// Every monitoring.coreos.com object of the operator-mode output validates against the Prometheus Operator's CRD
/// schemas: schema/validate.mjs with @kubernetes-models/prometheus-operator, pinned in schema/package-lock.json and
/// installed by scripts/test.sh (npm ci) when schema/node_modules is missing.
/// </summary>
[Collection(OperatorManifestsCollection.Name)]
public sealed class OperatorSchemaTests(OperatorManifests published, ITestOutputHelper output)
{
    public static string SchemaDirectory => RepoPaths.Combine("NexusTrade.Tests", "Kubernetes", "schema");

    [Fact]
    public async Task Every_operator_object_validates_against_the_crd_schemas()
    {
        var (exitCode, log) = await ValidateAsync(published.Directory);
        output.WriteLine(log);
        Assert.True(exitCode == 0, log);
        Assert.Contains($"{published.OperatorObjects.Count()} objects checked, 0 invalid", log);
    }

    /// <summary>Runs the validator on a manifest directory; fails with the install command when the package is missing.</summary>
    /// <param name="apiVersions">Kubernetes' own API versions to validate instead (networking.k8s.io/v1); none: the operator's.</param>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string directory, params string[] apiVersions)
    {
        Assert.True(Directory.Exists(Path.Combine(SchemaDirectory, "node_modules", "@kubernetes-models", "prometheus-operator")),
            $"The schema package is not installed: npm ci --prefix {SchemaDirectory} (scripts/test.sh does it)");
        return await ToolRunner.RunAsync("node", [Path.Combine(SchemaDirectory, "validate.mjs"), directory, .. apiVersions], TimeSpan.FromMinutes(1));
    }
}
