using Microsoft.Extensions.Configuration;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Optional <c>remote_write</c> of both Prometheus replicas to a long-term store (Thanos receive, Mimir,
/// VictoriaMetrics). The store deduplicates the pair on the <see cref="HighAvailability.ReplicaLabel"/> external label.
/// </summary>
/// <param name="Url">The store's write endpoint: <c>NexusTrade:Kubernetes:RemoteWrite:Url</c>.</param>
/// <param name="BasicAuth">
/// Optional: the user name (<c>RemoteWrite:BasicAuthUsername</c>, not a secret) and a Secret of namespace monitoring
/// whose key <c>password</c> holds the password (<c>RemoteWrite:BasicAuthSecret</c>); both or neither.
/// </param>
public sealed record RemoteWriteTarget(Uri Url, RemoteWriteBasicAuth? BasicAuth)
{
    public const string Section = "RemoteWrite";
}

public sealed record RemoteWriteBasicAuth(string Username, string Secret)
{
    public const string PasswordKey = "password";
}

/// <summary>Reads and validates the URLs of the publisher's settings: absolute http(s), or a start-up error naming the key.</summary>
public static class PublishedEndpoints
{
    public static Uri? AbsoluteHttpUrl(IConfiguration section, string key, string sectionPath)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0) return url;
        throw new InvalidOperationException($"{sectionPath}:{key} is '{value}': give an absolute http:// or https:// URL.");
    }

    public static RemoteWriteTarget? RemoteWrite(IConfigurationSection section)
    {
        var remote = section.GetSection(RemoteWriteTarget.Section);
        var path = $"{section.Path}:{RemoteWriteTarget.Section}";
        var url = AbsoluteHttpUrl(remote, "Url", path);
        var username = NonEmpty(remote["BasicAuthUsername"]);
        var secret = NonEmpty(remote["BasicAuthSecret"]);
        if (url is null)
        {
            return username is null && secret is null ? null
                : throw new InvalidOperationException($"{path}:BasicAuth… is set but {path}:Url is not: give the store's write URL too.");
        }
        if ((username is null) != (secret is null))
        {
            throw new InvalidOperationException($"{path}:BasicAuthUsername and {path}:BasicAuthSecret go together: set both or neither.");
        }
        // A DNS-1123 name, as Kubernetes requires of a Secret.
        if (secret is not null && !SettingValues.IsDnsLabel(secret))
        {
            throw new InvalidOperationException($"{path}:BasicAuthSecret is '{secret}': give the name of a Secret (lower-case letters, digits and '-').");
        }
        return new RemoteWriteTarget(url, secret is null ? null : new RemoteWriteBasicAuth(username!, secret));
    }

    private static string? NonEmpty(string? value) => SettingValues.NonEmpty(value);
}

/// <summary>
/// Where the .NET workloads send traces, logs and metrics (the cluster's OpenTelemetry collector): the endpoint
/// (<c>NexusTrade:Kubernetes:Otlp:Endpoint</c>), the protocol (<c>Otlp:Protocol</c>: grpc or http/protobuf) and,
/// optionally, a Secret in each application namespace whose key <see cref="HeadersKey"/> holds the exporter's headers
/// (<c>Otlp:HeadersSecret</c>; <c>key=value,…</c>, an API key for example). Unset, the workloads export nothing.
/// </summary>
public sealed record OtlpExport(Uri Endpoint, string Protocol, string? HeadersSecret)
{
    public const string Section = "Otlp";

    public const string HeadersKey = "headers";

    public static readonly string[] Protocols = ["grpc", "http/protobuf"];

    public static OtlpExport? From(IConfigurationSection section)
    {
        var otlp = section.GetSection(Section);
        var path = $"{section.Path}:{Section}";
        var endpoint = PublishedEndpoints.AbsoluteHttpUrl(otlp, "Endpoint", path);
        var protocol = SettingValues.NonEmpty(otlp["Protocol"]);
        var headers = SettingValues.NonEmpty(otlp["HeadersSecret"]);
        if (endpoint is null)
        {
            return protocol is null && headers is null ? null
                : throw new InvalidOperationException($"{path}:Protocol or {path}:HeadersSecret is set but {path}:Endpoint is not: give the collector's OTLP endpoint too.");
        }
        if (protocol is not null && !Protocols.Contains(protocol))
        {
            throw new InvalidOperationException($"{path}:Protocol is '{protocol}': give {string.Join(" or ", Protocols)}.");
        }
        if (headers is not null && !SettingValues.IsDnsLabel(headers))
        {
            throw new InvalidOperationException($"{path}:HeadersSecret is '{headers}': give the name of a Secret (lower-case letters, digits and '-').");
        }
        return new OtlpExport(endpoint, protocol ?? Protocols[0], headers);
    }
}
