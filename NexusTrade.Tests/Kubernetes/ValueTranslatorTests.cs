using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging.Abstractions;
using NexusTrade.Kubernetes;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The translator alone, on a small hand-built model: endpoints, secrets and connection strings in their in-cluster form.</summary>
public sealed class ValueTranslatorTests
{
    private static readonly ResourceBudget Budget = new("10m", "16Mi", "100m", "64Mi");

    private readonly ContainerResource _cache = new("cache");
    private readonly ContainerResource _dashboard = new("dashboard");
    private readonly ParameterResource _password = new("cache-password", _ => "never-read", secret: true);

    public ValueTranslatorTests()
    {
        _cache.Annotations.Add(new EndpointAnnotation(System.Net.Sockets.ProtocolType.Tcp, uriScheme: "tcp", name: "tcp", targetPort: 6380));
        _cache.Annotations.Add(Deployment(ClusterTopology.ApplicationNamespace));
        _dashboard.Annotations.Add(new EndpointAnnotation(System.Net.Sockets.ProtocolType.Tcp, uriScheme: "http", name: "http", targetPort: 3000));
        _dashboard.Annotations.Add(Deployment(ClusterTopology.MonitoringNamespace));
        _password.Annotations.Add(new KubernetesSecretAnnotation(new SecretKey("cache-auth", "password", "the cache's password")));
    }

    [Fact]
    public async Task An_endpoint_reference_becomes_the_services_dns_url()
    {
        var translator = await TranslatorAsync();
        Assert.Equal("http://dashboard.monitoring.svc:3000", translator.Text(new EndpointReference(_dashboard, "http")));
        Assert.Equal("cache.nexustrade.svc:6380", translator.Text(new EndpointReference(_cache, "tcp").Property(EndpointProperty.HostAndPort)));
    }

    [Fact]
    public async Task A_secret_parameter_becomes_a_secret_key_ref_and_its_value_is_never_read()
    {
        var variable = Assert.Single((await TranslatorAsync()).Variables("CACHE_PASSWORD", _password));
        Assert.Null(variable.Value);
        Assert.Equal("cache-auth", variable.ValueFrom.SecretKeyRef.Name);
        Assert.Equal("password", variable.ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public async Task A_connection_string_keeps_its_secret_as_a_variable_defined_before_it()
    {
        var endpoint = new EndpointReference(_cache, "tcp");
        var connectionString = ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)},password={_password}");

        var variables = (await TranslatorAsync()).Variables("ConnectionStrings__cache", connectionString);

        Assert.Equal(["CACHE_PASSWORD", "ConnectionStrings__cache"], variables.Select(v => v.Name));
        Assert.Equal("cache-auth", variables[0].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("cache.nexustrade.svc:6380,password=$(CACHE_PASSWORD)", variables[1].Value);
    }

    [Fact]
    public async Task A_secret_without_a_kubernetes_secret_fails_instead_of_being_written_out()
    {
        var unmapped = new ParameterResource("unmapped", _ => "never-read", secret: true);
        var translator = await TranslatorAsync();
        var error = Assert.Throws<InvalidOperationException>(() => translator.Variables("X", unmapped));
        Assert.Contains("'unmapped' has no Kubernetes Secret", error.Message);
    }

    [Fact]
    public async Task A_resource_without_a_deployment_annotation_fails_the_publish_and_is_named()
    {
        var forgotten = new ContainerResource("forgotten");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAsync(_cache, _dashboard, forgotten));
        Assert.Contains("'forgotten' has no Kubernetes deployment", error.Message);
        Assert.Contains("PublishAsKubernetes", error.Message);
    }

    private static KubernetesDeploymentAnnotation Deployment(string @namespace) =>
        new((_, _) => []) { Role = "test", Namespace = @namespace, Budget = Budget, User = RuntimeUser.Nobody };

    private async Task<ValueTranslator> TranslatorAsync() => (await ReadAsync(_cache, _dashboard, _password)).Values;

    private static Task<PublishContext> ReadAsync(params IResource[] resources) =>
        KubernetesPublishing.CreateContextAsync(new DistributedApplicationModel(resources),
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish),
            KubernetesPublishingOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()),
            NullLogger.Instance, CancellationToken.None);
}
