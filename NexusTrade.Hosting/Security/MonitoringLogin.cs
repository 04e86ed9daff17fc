using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Hosting;

/// <summary>
/// The login on Prometheus and Alertmanager: their own web configuration (<c>--web.config.file</c>, basic auth with a
/// bcrypt hash), one user and the <c>monitoring-password</c> parameter. Every runtime reads it from here: the local
/// stack writes the web configuration and the password file its clients read, the publisher mounts both from the
/// Secret <see cref="Secret"/>. A resource that requires it carries a <see cref="MonitoringLoginAnnotation"/>.
/// </summary>
public static class MonitoringLogin
{
    public const string UserName = "monitoring";

    public const string PasswordParameter = "monitoring-password";

    /// <summary>The cluster's Secret: the password (for the clients) and the web configuration with its hash (for the servers).</summary>
    public const string Secret = "monitoring-auth";

    public const string PasswordKey = "password";

    public const string WebConfigKey = "web-config.yml";

    /// <summary>
    /// bcrypt's cost: its minimum. The hash sits beside the password it hashes (the same Secret in the cluster, the same
    /// state directory locally), so a slow hash buys no protection against whoever can read it; but every request with
    /// a wrong password costs the server one comparison, and at bcrypt's default of 10 a flood of them held logged-in
    /// queries up for a second (bench/README.md, bench/login-cost.sh). A successful login is cached by the servers.
    /// </summary>
    public const int BcryptCost = 4;

    /// <summary>The web configuration for <paramref name="password"/>: basic auth for <see cref="UserName"/>, the hash only.</summary>
    /// <param name="cost">bcrypt's cost; other than <see cref="BcryptCost"/> only to measure (bench/login-cost.sh).</param>
    public static string WebConfig(string password, int cost = BcryptCost)
    {
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("The monitoring password is empty.", nameof(password));
        return $"""
            # Prometheus's and Alertmanager's web configuration (--web.config.file), written by NexusTrade: basic auth
            # for user {UserName}; the password's bcrypt hash only, never the password.
            basic_auth_users:
              {UserName}: {BCrypt.Net.BCrypt.HashPassword(password, cost)}

            """;
    }

    /// <summary>Whether <paramref name="webConfig"/> (a file <see cref="WebConfig"/> wrote) admits <paramref name="password"/>.</summary>
    public static bool Admits(string webConfig, string password)
    {
        var prefix = $"  {UserName}: ";
        var line = webConfig.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is not null && BCrypt.Net.BCrypt.Verify(password, line[prefix.Length..].Trim());
    }

    /// <summary>
    /// A Prometheus <c>basic_auth</c> block that reads the password from <paramref name="passwordFile"/> (re-read at
    /// every request: a rotated password needs no reload), for scrape jobs and Alertmanagers that require the login.
    /// </summary>
    public static Dictionary<string, object> BasicAuth(string passwordFile) => new()
    {
        ["username"] = UserName,
        ["password_file"] = passwordFile,
    };

    /// <summary>An HTTP client configuration (promtool, amtool <c>--http.config.file</c>) with the same login.</summary>
    public static string ClientConfig(string passwordFile) => $"""
        # The client side of the monitoring login (promtool, amtool --http.config.file): the password is read from the file.
        basic_auth:
          username: {UserName}
          password_file: {passwordFile}

        """;

    public static bool RequiresLogin(this IResource resource) => resource.Annotations.OfType<MonitoringLoginAnnotation>().Any();

    public static ParameterResource? LoginPassword(this IResource resource) =>
        resource.Annotations.OfType<MonitoringLoginAnnotation>().LastOrDefault()?.Password;

    /// <summary>The resource serves only to the monitoring login (<paramref name="password"/>).</summary>
    public static IResourceBuilder<T> WithMonitoringLogin<T>(this IResourceBuilder<T> resource, IResourceBuilder<ParameterResource> password)
        where T : IResource => resource.WithAnnotation(new MonitoringLoginAnnotation(password.Resource), ResourceAnnotationMutationBehavior.Replace);
}

/// <summary>The resource (Prometheus, Alertmanager) requires the monitoring login; <see cref="Password"/> is its parameter.</summary>
public sealed record MonitoringLoginAnnotation(ParameterResource Password) : IResourceAnnotation;
