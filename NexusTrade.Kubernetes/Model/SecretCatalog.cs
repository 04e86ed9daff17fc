using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Kubernetes;

/// <summary>One key of a Kubernetes Secret, and what the operator must put there.</summary>
public sealed record SecretKey(string Secret, string Key, string Description);

/// <summary>
/// Every credential the cluster needs: the secret parameters of the model (<see cref="KubernetesSecretAnnotation"/>)
/// and the keys workloads declare (Alertmanager's receiver files). The publisher writes each Secret with
/// <see cref="Placeholder"/> values only (into <c>secrets/</c>, applied once and then left alone).
/// </summary>
public sealed class SecretCatalog
{
    /// <summary>The value of every generated credential: obviously not real, and rejected by the tests if it ever is.</summary>
    public const string Placeholder = "REPLACE_ME";

    /// <summary>On each placeholder Secret: what each key must contain.</summary>
    public const string DescriptionAnnotation = "nexustrade.io/replace-before-use";

    private readonly List<SecretKey> _keys = [];

    public static SecretCatalog From(DistributedApplicationModel model)
    {
        var catalog = new SecretCatalog();
        foreach (var parameter in model.Resources.OfType<ParameterResource>())
        {
            if (parameter.Annotations.OfType<KubernetesSecretAnnotation>().LastOrDefault() is { } secret) catalog.Declare(secret.Key);
        }
        return catalog;
    }

    public SecretKey Declare(SecretKey key)
    {
        if (!_keys.Contains(key)) _keys.Add(key);
        return key;
    }

    public SecretKey ForParameter(ParameterResource parameter) =>
        parameter.Annotations.OfType<KubernetesSecretAnnotation>().LastOrDefault()?.Key
        ?? throw new InvalidOperationException(
            $"Secret parameter '{parameter.Name}' has no Kubernetes Secret: call PublishAsKubernetesSecret on it (its value is never published).");

    public IEnumerable<SecretKey> KeysOf(string secret) => _keys.Where(key => key.Secret == secret);

    private readonly List<(string Namespace, string Name)> _mountedElsewhere = [];

    /// <summary>A Secret of the catalog that a pod outside the published ones mounts (the operator's Alertmanager): it gets a placeholder too.</summary>
    public void MountedElsewhere(string @namespace, string secret)
    {
        if (!_mountedElsewhere.Contains((@namespace, secret))) _mountedElsewhere.Add((@namespace, secret));
    }

    public IReadOnlyList<(string Namespace, string Name)> SecretsMountedElsewhere => _mountedElsewhere;
}
