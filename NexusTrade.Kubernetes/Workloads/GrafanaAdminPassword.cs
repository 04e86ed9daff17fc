using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Grafana applies GF_SECURITY_ADMIN_PASSWORD only when it creates its database ("can be changed before first start of
/// grafana", conf/defaults.ini); afterwards the password lives in grafana.db on the volume, and a replaced Secret
/// changes nothing. An init container of Grafana's own image therefore resets the admin password to the Secret's value
/// at every pod start (<c>grafana cli admin reset-admin-password --password-from-stdin</c>, so that it never appears in
/// a process list), and refuses to let Grafana start on the published placeholder.
/// </summary>
public static class GrafanaAdminPassword
{
    public const string PasswordVariable = "GF_SECURITY_ADMIN_PASSWORD";

    /// <summary>Grafana's data directory in its image (its GF_PATHS_DATA), where grafana.db is created.</summary>
    public const string DataDirectory = "/var/lib/grafana";

    public const string InitContainerName = "admin-password";

    /// <summary>The init container's script: POSIX sh, as in Grafana's image.</summary>
    public static string Script(string secret) => $$"""
        set -eu
        if [ "${{{PasswordVariable}}}" = "{{SecretCatalog.Placeholder}}" ]; then
          echo "Secret {{secret}} still holds the placeholder {{SecretCatalog.Placeholder}}: fill it (scripts/deploy-monitoring.sh prints the command), then restart Grafana." >&2
          exit 1
        fi
        if [ ! -s "${GF_PATHS_DATA:-{{DataDirectory}}}/grafana.db" ]; then
          echo "No grafana.db yet: Grafana creates it with the admin password from {{PasswordVariable}}."
          exit 0
        fi
        printf '%s' "${{{PasswordVariable}}}" | grafana cli --homepath /usr/share/grafana --config "${GF_PATHS_CONFIG:-/etc/grafana/grafana.ini}" admin reset-admin-password --password-from-stdin
        """;

    /// <summary>
    /// The init container: Grafana's image and budget, its password variable (<paramref name="password"/>, from the
    /// Secret), and the writable mounts of the server container (data, logs, /tmp).
    /// </summary>
    public static V1Container InitContainer(V1Container grafana, V1EnvVar password, string @namespace, ResourceBudget budget)
    {
        var secret = password.ValueFrom?.SecretKeyRef is { } reference ? $"{@namespace}/{reference.Name} (key {reference.Key})" : PasswordVariable;
        return ManifestBuilder.Harden(new V1Container
        {
            Name = InitContainerName,
            Image = grafana.Image,
            Command = ["/bin/sh", "-c", Script(secret)],
            Env = [password],
            VolumeMounts = grafana.VolumeMounts.Where(m => m.ReadOnlyProperty == false).ToList(),
        }, budget);
    }
}
