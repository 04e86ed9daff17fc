using System.Text.RegularExpressions;
using k8s.Models;
using NexusTrade.Kubernetes;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>No credential is published: Secrets hold placeholders, ConfigMaps and pod specs hold none.</summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed partial class SecretHygieneTests(PublishedManifests published)
{
    private const string Placeholder = "REPLACE_ME";

    /// <summary>Names that announce a credential: such a key or variable must never carry a literal value.</summary>
    [GeneratedRegex("password|passwd|secret|token|api[-_]?key|apikey|credential|routing[-_]key|webhook", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialName();

    [Fact]
    public void The_credential_secrets_hold_only_placeholders_and_describe_every_key()
    {
        var placeholders = published.Objects.Where(o => o.File.StartsWith("secrets/", StringComparison.Ordinal)).Select(o => (V1Secret)o.Object).ToList();
        Assert.Equal(
            ["monitoring/alertmanager-secrets", "monitoring/grafana-admin", "monitoring/monitoring-auth", "monitoring/redis-auth", "nexustrade/marketdata-credentials",
                "nexustrade/redis-auth"],
            placeholders.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").Order());
        Assert.All(placeholders, secret =>
        {
            Assert.Null(secret.Data);
            Assert.All(secret.StringData, pair => Assert.Equal(Placeholder, pair.Value));
            var description = secret.Metadata.Annotations["nexustrade.io/replace-before-use"];
            Assert.All(secret.StringData.Keys, key => Assert.Contains(key + ": ", description));
        });
        Assert.Equal(["deadmansswitch-url", "pagerduty-routing-key", "slack-webhook-url", "smtp-password"],
            published.Get<V1Secret>("monitoring", "alertmanager-secrets").StringData.Keys.Order());
        Assert.Equal([MonitoringLogin.PasswordKey, MonitoringLogin.WebConfigKey],
            published.Get<V1Secret>("monitoring", MonitoringLogin.Secret).StringData.Keys.Order());
    }

    [Fact]
    public void The_only_other_secret_is_alertmanagers_configuration_as_committed()
    {
        var others = published.All<V1Secret>().Where(s => s.Metadata.Name != "alertmanager-config").Select(s => s.Metadata.Name);
        Assert.All(others, name => Assert.Contains(name, new[] { "alertmanager-secrets", "grafana-admin", "redis-auth", "marketdata-credentials", MonitoringLogin.Secret }));

        var config = published.Get<V1Secret>("monitoring", "alertmanager-config");
        Assert.Equal(["alertmanager.yml", ClusterLogin.ClientConfigKey], config.StringData.Keys);
        Assert.Equal(File.ReadAllText(RepoPaths.Combine("prometheus", "alertmanager.yml")), config.StringData["alertmanager.yml"]);
        // Credentials are read from the mounted files, not written inline.
        Assert.DoesNotMatch(@"(?m)^\s*(-\s+)?(slack_api_url|routing_key|service_key|smtp_auth_password|api_key|auth_password):\s*\S", config.StringData["alertmanager.yml"]);
    }

    [Fact]
    public void No_config_map_holds_a_credential()
    {
        Assert.All(published.All<V1ConfigMap>(), configMap => Assert.All(configMap.Data, pair =>
            Assert.False(CredentialName().IsMatch(pair.Key) && pair.Value.Length > 0,
                $"ConfigMap {configMap.Metadata.Name} has a credential-like key {pair.Key} with a value")));
    }

    [Fact]
    public void Credential_variables_come_from_secrets_never_from_literals()
    {
        Assert.All(published.Workloads, w => Assert.All(w.Containers.SelectMany(c => c.Env ?? []), variable =>
        {
            if (!CredentialName().IsMatch(variable.Name)) return;
            Assert.True(variable.ValueFrom?.SecretKeyRef is not null, $"{w}: {variable.Name} is not read from a Secret");
        }));
        // The connection string is composed in the pod from the Secret, never written out.
        var api = published.Workloads.Single(w => w.Name == "api").Pod.Containers.Single();
        Assert.Equal("redis.nexustrade.svc:6379,password=$(REDIS_PASSWORD)", api.Env.Single(v => v.Name == "ConnectionStrings__redis").Value);
        var order = api.Env.Select(v => v.Name).ToList();
        Assert.True(order.IndexOf("REDIS_PASSWORD") < order.IndexOf("ConnectionStrings__redis"), "$(REDIS_PASSWORD) must be defined before it is used");
        var grafana = published.Workloads.Single(w => w.Name == "grafana").Pod.Containers.Single();
        Assert.Equal("grafana-admin", grafana.Env.Single(v => v.Name == "GF_SECURITY_ADMIN_PASSWORD").ValueFrom.SecretKeyRef.Name);
        Assert.Equal("false", grafana.Env.Single(v => v.Name == "GF_AUTH_ANONYMOUS_ENABLED").Value);
    }

    [Fact]
    public void No_parameter_value_of_the_app_host_reaches_any_file()
    {
        Assert.All(published.Files, file => Assert.All(PublishedManifests.CanaryParameters.Values, canary =>
            Assert.False(file.Value.Contains(canary, StringComparison.Ordinal), $"{file.Key} contains the value of a secret parameter")));
    }
}
