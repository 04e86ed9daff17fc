using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Turns app-model values into their in-cluster form, for every resource alike: an endpoint becomes its Service's
/// DNS name (<c>http://&lt;svc&gt;.&lt;ns&gt;.svc:&lt;port&gt;</c>), a secret parameter a secretKeyRef, and an expression
/// (a connection string) its text with each embedded secret as <c>$(VAR)</c>, VAR being a secretKeyRef variable
/// defined before it (Kubernetes expands only earlier variables). A secret's value is never read.
/// </summary>
public sealed class ValueTranslator(PublishContext context)
{
    /// <summary>The variables that carry <paramref name="value"/> as <paramref name="name"/>: embedded secrets first, then the variable itself.</summary>
    public IReadOnlyList<V1EnvVar> Variables(string name, object value)
    {
        if (value is ParameterResource { Secret: true } parameter) return [ManifestBuilder.SecretEnv(name, context.Secrets.ForParameter(parameter))];
        var secrets = new List<V1EnvVar>();
        var text = Text(value, secrets);
        return [.. secrets, ManifestBuilder.Env(name, text)];
    }

    /// <summary>
    /// The text of a value. Embedded secret parameters become <c>$(VAR)</c> and their variables are added to
    /// <paramref name="secrets"/>; without that list, a secret is an error (it would have to be written out).
    /// </summary>
    public string Text(object value, List<V1EnvVar>? secrets = null) => value switch
    {
        string text => text,
        ParameterResource { Secret: true } parameter => SecretReference(parameter, secrets),
        ParameterResource parameter => throw new NotSupportedException(
            $"Parameter '{parameter.Name}' is not secret: the publisher has no setting for it (make it a literal or a secret)."),
        EndpointReference endpoint => Url(endpoint),
        EndpointReferenceExpression expression => Property(expression),
        ConnectionStringReference reference => Text(reference.Resource.ConnectionStringExpression, secrets),
        IResourceWithConnectionString resource => Text(resource.ConnectionStringExpression, secrets),
        ReferenceExpression expression => string.Format(CultureInfo.InvariantCulture, expression.Format,
            expression.ValueProviders.Select(provider => (object)Text(provider, secrets)).ToArray()),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"The Kubernetes publisher cannot translate a {value.GetType().Name}."),
    };

    /// <summary>
    /// The endpoint's URL in the cluster. A simulator that is not deployed stands in for a vendor outside the cluster:
    /// its URL is the vendor's (<c>NexusTrade:Kubernetes:ProviderUrls:&lt;name&gt;</c>).
    /// </summary>
    public string Url(EndpointReference endpoint)
    {
        if (!context.IsDeployed(endpoint.Resource) && ClusterTopology.Deployment(endpoint.Resource).IsSimulator)
        {
            return context.Options.ProviderUrl(endpoint.Resource.Name);
        }
        var port = Port(endpoint);
        return $"{port.Scheme}://{Host(endpoint)}:{port.TargetPort}";
    }

    /// <summary>The Service's DNS name of the endpoint's resource.</summary>
    public string Host(EndpointReference endpoint)
    {
        if (!context.IsDeployed(endpoint.Resource))
        {
            throw new InvalidOperationException($"'{endpoint.Resource.Name}' is referenced but not deployed: it has no Service in the cluster.");
        }
        return ClusterTopology.ServiceHost(endpoint.Resource);
    }

    private PortSpec Port(EndpointReference endpoint) => context.SpecOf(endpoint.Resource).Port(endpoint.EndpointName);

    private string Property(EndpointReferenceExpression expression)
    {
        var endpoint = expression.Endpoint;
        string PortText() => Port(endpoint).TargetPort!.Value.ToString(CultureInfo.InvariantCulture);
        return expression.Property switch
        {
            EndpointProperty.Url => Url(endpoint),
            EndpointProperty.Host or EndpointProperty.IPV4Host => Host(endpoint),
            EndpointProperty.Port or EndpointProperty.TargetPort => PortText(),
            EndpointProperty.HostAndPort => $"{Host(endpoint)}:{PortText()}",
            EndpointProperty.Scheme => Port(endpoint).Scheme,
            _ => throw new NotSupportedException($"Endpoint property {expression.Property} of '{endpoint.Resource.Name}' has no in-cluster form."),
        };
    }

    /// <summary><c>$(REDIS_PASSWORD)</c> for parameter redis-password, its variable a secretKeyRef.</summary>
    private string SecretReference(ParameterResource parameter, List<V1EnvVar>? secrets)
    {
        if (secrets is null)
        {
            throw new InvalidOperationException($"Secret parameter '{parameter.Name}' is part of a value that cannot read it from a variable: it would be written out.");
        }
        var variable = parameter.Name.ToUpperInvariant().Replace('-', '_');
        if (secrets.All(v => v.Name != variable)) secrets.Add(ManifestBuilder.SecretEnv(variable, context.Secrets.ForParameter(parameter)));
        return $"$({variable})";
    }
}
