using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The manifests are written as the API server stores them wherever a server-side apply after a client-side one would
/// otherwise conflict (seen on a live v1.36 cluster): quantities as canonical strings (<c>cpu: 1</c> was stored as
/// <c>"1"</c>), <c>fieldRef</c> with its apiVersion (the struct is atomic), and StatefulSet claim templates with the
/// fields the server defaults (the list is atomic).
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ServerSideApplyTests(PublishedManifests published)
{
    [Fact]
    public void Every_quantity_is_written_as_a_canonical_string()
    {
        var quantities = Quantities(published.Files.Where(f => !f.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal))).ToList();

        Assert.Contains(quantities, q => q.Path.EndsWith("limits.cpu", StringComparison.Ordinal) && q.Value == "1");
        Assert.All(quantities, q =>
        {
            Assert.True(q.Style is ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted, $"{q.File}: {q.Path}: {q.Value} is not a string (unquoted)");
            Assert.True(new ResourceQuantity(q.Value).CanonicalizeString() == q.Value, $"{q.File}: {q.Path}: {q.Value} is not canonical");
        });
    }

    [Fact]
    public void Every_field_ref_names_its_api_version()
    {
        var fieldRefs = published.Workloads.SelectMany(w => w.Containers.SelectMany(c => c.Env ?? []).Select(e => (w, e)))
            .Where(x => x.e.ValueFrom?.FieldRef is not null).ToList();

        Assert.NotEmpty(fieldRefs);
        Assert.All(fieldRefs, x => Assert.True(x.e.ValueFrom.FieldRef.ApiVersion == "v1", $"{x.w}: env {x.e.Name}: fieldRef without apiVersion v1"));
    }

    [Fact]
    public void Claim_templates_carry_the_fields_the_server_defaults()
    {
        var templates = published.Workloads.SelectMany(w => w.ClaimTemplates.Select(t => (w, t))).ToList();

        Assert.Equal(3, templates.Count); // prometheus, alertmanager, redis
        Assert.All(templates, x =>
        {
            Assert.Equal(("v1", "PersistentVolumeClaim"), (x.t.ApiVersion, x.t.Kind));
            Assert.Equal("Filesystem", x.t.Spec.VolumeMode);
            Assert.Equal("Pending", x.t.Status?.Phase);
        });
        Assert.All(published.All<V1PersistentVolumeClaim>(), claim => Assert.Equal("Filesystem", claim.Spec.VolumeMode));
    }

    /// <summary>The scalars of resources' limits and requests, of claims' requests, and of emptyDir size limits.</summary>
    internal static IEnumerable<(string File, string Path, string Value, ScalarStyle Style)> Quantities(IEnumerable<KeyValuePair<string, string>> files)
    {
        foreach (var (file, content) in files)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(content));
            foreach (var document in stream.Documents)
            {
                foreach (var found in Walk(document.RootNode, "")) yield return (file, found.Path, found.Scalar.Value!, found.Scalar.Style);
            }
        }
    }

    private static IEnumerable<(string Path, YamlScalarNode Scalar)> Walk(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    var parent = path.Split('.')[^1];
                    if (value is YamlScalarNode scalar && (name == "sizeLimit" || parent is "limits" or "requests" or "capacity"))
                    {
                        yield return ($"{path}.{name}", scalar);
                    }
                    else
                    {
                        foreach (var inner in Walk(value, $"{path}.{name}")) yield return inner;
                    }
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    foreach (var inner in Walk(child, path + "[]")) yield return inner;
                }
                break;
        }
    }
}
