using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The monitoring login (<see cref="MonitoringLogin"/>) in the cluster: Prometheus and Alertmanager mount the Secret
/// <see cref="MonitoringLogin.Secret"/> (the web configuration with the hash, and the password their own clients send)
/// and serve with <c>--web.config.file</c>. Their probes log in with the tool of their own image (promtool, amtool)
/// reading the password from that mount through a client configuration: an httpGet probe could only carry the
/// credentials as a header written into the pod spec.
/// </summary>
public static class ClusterLogin
{
    private const string VolumeName = "login";

    /// <summary>The Secret's keys the servers read; the password key is the monitoring-password parameter's.</summary>
    public static V1Volume Volume(PublishContext context)
    {
        context.Secrets.Declare(new SecretKey(MonitoringLogin.Secret, MonitoringLogin.WebConfigKey,
            $"Prometheus's and Alertmanager's web configuration: basic_auth_users with the bcrypt hash of key {MonitoringLogin.PasswordKey} " +
            "(scripts/monitoring-login.sh writes both)"));
        return ManifestBuilder.SecretVolume(VolumeName, MonitoringLogin.Secret);
    }

    public static V1VolumeMount Mount(string directory) => ManifestBuilder.Mount(VolumeName, directory);

    public static string WebConfigArg(string directory) => $"--web.config.file={directory}/{MonitoringLogin.WebConfigKey}";

    public static string PasswordFile(string directory) => $"{directory}/{MonitoringLogin.PasswordKey}";

    /// <summary>The name of the client configuration (a key of the component's own ConfigMap or config Secret).</summary>
    public const string ClientConfigKey = "login-client.yml";

    /// <summary>A probe that runs <paramref name="command"/> in the container (exit 0: success).</summary>
    public static V1Probe ExecProbe(IEnumerable<string> command, int periodSeconds = 10, int failureThreshold = 3) => new()
    {
        Exec = new V1ExecAction { Command = [.. command] },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };
}
