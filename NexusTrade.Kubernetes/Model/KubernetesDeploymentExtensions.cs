using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Kubernetes;

/// <summary>The generic part of the <c>PublishAsKubernetes…</c> extensions: the annotation, its clients, secrets.</summary>
public static class KubernetesDeploymentExtensions
{
    /// <summary>Declares how the resource is deployed (replaces an earlier declaration).</summary>
    public static IResourceBuilder<T> PublishAsKubernetes<T>(this IResourceBuilder<T> builder, KubernetesDeploymentAnnotation deployment)
        where T : IResource =>
        builder.WithAnnotation(deployment, ResourceAnnotationMutationBehavior.Replace);

    /// <summary>Declares that <paramref name="factory"/> writes the resource's objects, as <paramref name="role"/> in <paramref name="namespace"/>.</summary>
    public static IResourceBuilder<T> PublishAsKubernetes<T>(this IResourceBuilder<T> builder, WorkloadFactory factory, string role, string @namespace,
        ResourceBudget budget, RuntimeUser user, ProjectImage? image = null, bool isSimulator = false, bool openToCluster = false,
        IReadOnlyList<CompanionWorkload>? companions = null, WorkloadFactory? operatorReplacement = null) where T : IResource =>
        builder.PublishAsKubernetes(new KubernetesDeploymentAnnotation(factory)
        {
            Role = role,
            Namespace = @namespace,
            Budget = budget,
            User = user,
            Image = image,
            IsSimulator = isSimulator,
            OpenToCluster = openToCluster,
            Companions = companions ?? [],
            OperatorReplacement = operatorReplacement,
        });

    /// <summary>Lets <paramref name="client"/>'s pods connect to this resource's ports (its NetworkPolicy).</summary>
    public static IResourceBuilder<T> WithKubernetesClient<T, TClient>(this IResourceBuilder<T> builder, IResourceBuilder<TClient> client)
        where T : IResource where TClient : IResource
    {
        if (builder.Resource.KubernetesClients().Contains(client.Resource)) return builder;
        return builder.WithAnnotation(new KubernetesClientAnnotation(client.Resource));
    }

    /// <summary>The workloads its NetworkPolicy admits, in the order they were declared.</summary>
    public static IEnumerable<IResource> KubernetesClients(this IResource resource) =>
        resource.Annotations.OfType<KubernetesClientAnnotation>().Select(a => a.Client);

    /// <summary>Where the cluster keeps this secret parameter: <paramref name="secret"/>/<paramref name="key"/>, described for the operator.</summary>
    public static IResourceBuilder<ParameterResource> PublishAsKubernetesSecret(this IResourceBuilder<ParameterResource> parameter,
        string secret, string key, string description)
    {
        if (!parameter.Resource.Secret) throw new InvalidOperationException($"Parameter '{parameter.Resource.Name}' is not secret: publish its value as a setting instead.");
        return parameter.WithAnnotation(new KubernetesSecretAnnotation(new SecretKey(secret, key, description)), ResourceAnnotationMutationBehavior.Replace);
    }

    public static KubernetesDeploymentAnnotation? KubernetesDeployment(this IResource resource) =>
        resource.Annotations.OfType<KubernetesDeploymentAnnotation>().LastOrDefault();
}
