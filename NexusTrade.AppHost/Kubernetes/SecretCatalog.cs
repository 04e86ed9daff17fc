using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>One key of a Kubernetes Secret, and what the operator must put there.</summary>
public sealed record SecretKey(string Secret, string Key, string Description);

/// <summary>
/// Every credential the cluster needs. The publisher writes each Secret with <see cref="Placeholder"/> values only (into
/// <c>secrets/</c>, applied once and then left alone); the real values are set in the cluster by the operator.
/// </summary>
public static class SecretCatalog
{
    /// <summary>The value of every generated credential: obviously not real, and rejected by the tests if it ever is.</summary>
    public const string Placeholder = "REPLACE_ME";

    /// <summary>On each placeholder Secret: what each key must contain.</summary>
    public const string DescriptionAnnotation = "nexustrade.io/replace-before-use";

    public static readonly SecretKey RedisPassword = new("redis-auth", "password",
        "Redis AUTH password; the same value in namespaces nexustrade (redis, api) and monitoring (redis-exporter)");

    public static readonly SecretKey MarketDataApiKey = new("marketdata-credentials", "api-key",
        "API key of the market-data vendor (Finnhub token); the simulators, when deployed, accept the same key");

    public static readonly SecretKey GrafanaAdminPassword = new("grafana-admin", "admin-password",
        "password of Grafana's admin user");

    /// <summary>Files under /etc/alertmanager/secrets/, read by prometheus/alertmanager.yml (*_file settings).</summary>
    public static readonly IReadOnlyList<SecretKey> AlertmanagerReceivers =
    [
        new("alertmanager-secrets", "slack-webhook-url", "Slack incoming-webhook URL (global.slack_api_url_file)"),
        new("alertmanager-secrets", "pagerduty-routing-key", "PagerDuty Events API v2 routing key (pagerduty_configs.routing_key_file)"),
        new("alertmanager-secrets", "smtp-password", "SMTP password (global.smtp_auth_password_file)"),
        new("alertmanager-secrets", "deadmansswitch-url", "dead man's switch check URL (webhook url_file, once every Alertmanager supports it)"),
    ];

    public static IEnumerable<SecretKey> All => [RedisPassword, MarketDataApiKey, GrafanaAdminPassword, .. AlertmanagerReceivers];

    /// <summary>The AppHost's secret parameters and where their Kubernetes counterparts live.</summary>
    private static readonly Dictionary<string, SecretKey> ByParameter = new(StringComparer.Ordinal)
    {
        ["redis-password"] = RedisPassword,
        ["marketdata-api-key"] = MarketDataApiKey,
        ["grafana-admin-password"] = GrafanaAdminPassword,
    };

    public static SecretKey ForParameter(ParameterResource parameter) => ByParameter.GetValueOrDefault(parameter.Name)
        ?? throw new InvalidOperationException(
            $"Secret parameter '{parameter.Name}' has no Kubernetes Secret: add it to {nameof(SecretCatalog)} (its value is never published).");

    public static IEnumerable<SecretKey> KeysOf(string secret) => All.Where(key => key.Secret == secret);
}
