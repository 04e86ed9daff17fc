using Microsoft.Extensions.Configuration;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The optional way in for people (<c>NexusTrade:Kubernetes:Ingress:*</c>): an Ingress for each of Grafana, Prometheus
/// and Alertmanager that has a host (<c>Hosts:&lt;name&gt;</c>), of the class <c>ClassName</c> (unset: the cluster's
/// default IngressClass), with TLS from the Secret <c>TlsSecretName</c> of namespace monitoring (unset: plain HTTP).
/// Their NetworkPolicies admit the controller's pods (namespace <c>ControllerNamespace</c>), and the links in
/// notifications follow the hosts unless an ExternalUrl setting says otherwise.
/// </summary>
public sealed record IngressSettings(string? ClassName, IReadOnlyDictionary<string, string> Hosts, string? TlsSecretName, string ControllerNamespace)
{
    public const string Section = "Ingress";

    /// <summary>The components a person opens in a browser.</summary>
    public static readonly string[] Components = ["grafana", "prometheus", "alertmanager"];

    /// <summary>ingress-nginx's namespace, the most common controller's.</summary>
    public const string DefaultControllerNamespace = "ingress-nginx";

    public string? HostOf(string component) => Hosts.GetValueOrDefault(component);

    /// <summary>Where people reach <paramref name="component"/> through its Ingress (https with a TLS Secret).</summary>
    public Uri? UrlOf(string component) => HostOf(component) is { } host ? new Uri($"{(TlsSecretName is null ? "http" : "https")}://{host}/") : null;

    public static IngressSettings? From(IConfigurationSection section)
    {
        var ingress = section.GetSection(Section);
        var path = $"{section.Path}:{Section}";
        var hosts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in ingress.GetSection("Hosts").GetChildren())
        {
            if (SettingValues.NonEmpty(child.Value) is not { } host) continue;
            if (!Components.Contains(child.Key))
            {
                throw new InvalidOperationException($"{path}:Hosts:{child.Key} names no component with an Ingress: give Hosts:{string.Join(", Hosts:", Components)}.");
            }
            if (!SettingValues.IsDnsSubdomain(host))
            {
                throw new InvalidOperationException($"{path}:Hosts:{child.Key} is '{host}': give a host name (lower-case letters, digits, '-' and '.'; no scheme, port or path).");
            }
            hosts[child.Key] = host;
        }
        var className = Name(ingress, "ClassName", path, SettingValues.IsDnsSubdomain);
        var tls = Name(ingress, "TlsSecretName", path, SettingValues.IsDnsSubdomain);
        var controller = Name(ingress, "ControllerNamespace", path, SettingValues.IsDnsLabel);
        if (hosts.Count == 0)
        {
            return className is null && tls is null && controller is null ? null
                : throw new InvalidOperationException($"{path}:ClassName, TlsSecretName or ControllerNamespace is set but no {path}:Hosts:<{string.Join('|', Components)}>: give a host for each Ingress.");
        }
        return new IngressSettings(className, hosts, tls, controller ?? DefaultControllerNamespace);
    }

    private static string? Name(IConfigurationSection section, string key, string path, Func<string, bool> valid)
    {
        var value = SettingValues.NonEmpty(section[key]);
        return value is null || valid(value) ? value
            : throw new InvalidOperationException($"{path}:{key} is '{value}': give a Kubernetes name (lower-case letters, digits, '-' and '.').");
    }
}
