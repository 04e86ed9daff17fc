using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// index.tsv, written beside the manifests, is what scripts read instead of parsing YAML (scripts/deploy-monitoring.sh):
/// it must list every published object with its file, and every placeholder Secret with its keys and placeholder.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ManifestIndexTests(PublishedManifests published)
{
    [Fact]
    public void The_index_lists_every_object_in_its_file_and_each_placeholder_secret_with_its_keys()
    {
        var lines = File.ReadAllLines(Path.Combine(published.Directory, "index.tsv"));
        var rows = lines.Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();

        Assert.All(rows, row => Assert.Equal(5, row.Length));
        Assert.Equal(published.Objects.Select(o => $"{o.File} {o.Kind} {o.Namespace ?? "-"} {o.Name}").Order(StringComparer.Ordinal),
            rows.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]}").Order(StringComparer.Ordinal));
        foreach (var secret in published.Objects.Where(o => o.File.StartsWith("secrets/", StringComparison.Ordinal)))
        {
            var keys = rows.Single(r => r[0] == secret.File)[4].Split(',');
            Assert.Equal(((V1Secret)secret.Object).StringData.Keys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        }
        Assert.Contains($"# placeholder: {NexusTrade.Kubernetes.SecretCatalog.Placeholder}", lines);
    }

    [Fact]
    public void The_deploy_script_reads_the_index_not_the_yaml()
    {
        var script = File.ReadAllText(Infrastructure.RepoPaths.Combine("scripts", "deploy-monitoring.sh"));

        Assert.Contains("index.tsv", script);
        Assert.DoesNotContain("awk", script);
        Assert.DoesNotContain("placeholder=REPLACE_ME", script);
    }
}
