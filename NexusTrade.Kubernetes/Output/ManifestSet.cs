using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The finishing touches that need every object at once: pods roll when their configuration changes, and each Secret
/// a pod refers to and nobody publishes with content gets a placeholder.
/// </summary>
public static class ManifestSet
{
    public const string ChecksumAnnotation = "nexustrade.io/config-checksum";

    /// <summary>Adds <see cref="ChecksumAnnotation"/> to every pod template and returns the placeholder Secrets the pods need.</summary>
    public static IReadOnlyList<V1Secret> Complete(IReadOnlyList<ComponentManifests> components, SecretCatalog catalog)
    {
        var objects = components.SelectMany(c => c.Objects).ToList();
        var published = objects.Where(o => o is V1ConfigMap or V1Secret)
            .ToDictionary(o => (o.Metadata.NamespaceProperty, o.Kind, o.Metadata.Name), o => o);
        var placeholders = new SortedDictionary<(string Namespace, string Name), V1Secret>();

        foreach (var workload in objects)
        {
            if (PodTemplateOf(workload) is not { } template) continue;
            var ns = workload.Metadata.NamespaceProperty;
            var configuration = new StringBuilder();
            foreach (var (kind, name) in References(template.Spec))
            {
                if (published.TryGetValue((ns, kind, name), out var source))
                {
                    configuration.Append(kind).Append('/').Append(name).Append('\n').Append(KubernetesYaml.Serialize(Content(source)));
                }
                else if (kind == V1Secret.KubeKind)
                {
                    placeholders.TryAdd((ns, name), Placeholder(catalog, ns, name));
                }
                else
                {
                    throw new InvalidOperationException($"{workload.Kind} {ns}/{workload.Metadata.Name} refers to {kind} '{name}', which is not published.");
                }
            }
            if (configuration.Length == 0) continue;
            template.Metadata.Annotations ??= new Dictionary<string, string>();
            template.Metadata.Annotations[ChecksumAnnotation] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configuration.ToString())));
        }
        foreach (var (ns, name) in catalog.SecretsMountedElsewhere)
        {
            if (!published.ContainsKey((ns, V1Secret.KubeKind, name))) placeholders.TryAdd((ns, name), Placeholder(catalog, ns, name));
        }
        return placeholders.Values.ToList();
    }

    public static V1PodTemplateSpec? PodTemplateOf(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment deployment => deployment.Spec.Template,
        V1StatefulSet statefulSet => statefulSet.Spec.Template,
        V1DaemonSet daemonSet => daemonSet.Spec.Template,
        _ => null,
    };

    /// <summary>The ConfigMaps and Secrets a pod reads: volumes (projected ones too), envFrom and single keys.</summary>
    public static IEnumerable<(string Kind, string Name)> References(V1PodSpec pod)
    {
        var references = new SortedSet<(string, string)>();
        foreach (var volume in pod.Volumes ?? [])
        {
            if (volume.ConfigMap is { } configMap) references.Add((V1ConfigMap.KubeKind, configMap.Name));
            if (volume.Secret is { } secret) references.Add((V1Secret.KubeKind, secret.SecretName));
            foreach (var source in volume.Projected?.Sources ?? [])
            {
                if (source.ConfigMap is { } projectedMap) references.Add((V1ConfigMap.KubeKind, projectedMap.Name));
                if (source.Secret is { } projectedSecret) references.Add((V1Secret.KubeKind, projectedSecret.Name));
            }
        }
        foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            foreach (var source in container.EnvFrom ?? [])
            {
                if (source.ConfigMapRef is { } configMap) references.Add((V1ConfigMap.KubeKind, configMap.Name));
                if (source.SecretRef is { } secret) references.Add((V1Secret.KubeKind, secret.Name));
            }
            foreach (var variable in container.Env ?? [])
            {
                if (variable.ValueFrom?.ConfigMapKeyRef is { } configMapKey) references.Add((V1ConfigMap.KubeKind, configMapKey.Name));
                if (variable.ValueFrom?.SecretKeyRef is { } secretKey) references.Add((V1Secret.KubeKind, secretKey.Name));
            }
        }
        return references;
    }

    private static object Content(IKubernetesObject<V1ObjectMeta> source) => source switch
    {
        V1ConfigMap configMap => configMap.Data,
        V1Secret secret => secret.StringData,
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    /// <summary>Every key of the catalog's Secret set to the placeholder, with what belongs there in an annotation.</summary>
    private static V1Secret Placeholder(SecretCatalog catalog, string @namespace, string name)
    {
        var keys = catalog.KeysOf(name).ToList();
        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"Secret '{name}' in namespace {@namespace} is used but neither published nor in {nameof(SecretCatalog)}.");
        }
        var metadata = new Identity(name, @namespace, "credentials").Meta();
        metadata.Annotations = new Dictionary<string, string>
        {
            [SecretCatalog.DescriptionAnnotation] = string.Join("\n", keys.Select(k => $"{k.Key}: {k.Description}")),
        };
        return new V1Secret
        {
            Metadata = metadata,
            Type = "Opaque",
            StringData = keys.ToDictionary(k => k.Key, _ => SecretCatalog.Placeholder),
        }.Initialize();
    }
}
