using System.Collections.Concurrent;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The stack as the README's <c>dotnet run --project NexusTrade.AppHost</c> starts it: the AppHost's launch profile
/// and configuration (runtime <c>auto</c>), the Aspire dashboard, and the ports that run uses (the testing builder's
/// port randomisation is turned off). Only the state directory differs, so that a test never touches a developer's
/// <c>.state/</c>. Its ports are fixed: it cannot run beside a stack started by hand from the same launch profile.
/// </summary>
public sealed class LaunchPathFixture : StackFixture
{
    private readonly LoginUrlCapture _output = new();

    /// <summary>The login URL with its token, as the AppHost prints it at start.</summary>
    public Uri DashboardLoginUrl => _output.LoginUrl ?? throw new InvalidOperationException("The AppHost printed no dashboard login URL.");

    /// <summary>
    /// The profile's settings as <c>dotnet run</c> applies them (applicationUrl becomes ASPNETCORE_URLS, the dashboard's
    /// address), read from the AppHost's launchSettings.json rather than copied here.
    /// </summary>
    protected override string[] Arguments(string stateDirectory)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("NexusTrade.AppHost", "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").GetProperty(LaunchProfile);
        var environment = profile.GetProperty("environmentVariables").EnumerateObject().Select(v => $"--{v.Name}={v.Value.GetString()}");
        return
        [
            "--DcpPublisher:RandomizePorts=false",
            $"--ASPNETCORE_URLS={profile.GetProperty("applicationUrl").GetString()}",
            .. environment,
            $"--NexusTrade:StateDirectory={stateDirectory}",
        ];
    }

    /// <summary>The profile <c>dotnet run</c> picks: the first one in the file.</summary>
    public const string LaunchProfile = "http";

    protected override void ConfigureOptions(DistributedApplicationOptions options, HostApplicationBuilderSettings settings) =>
        options.DisableDashboard = false;

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.Services.AddLogging(logging => logging
            .AddFilter<LoginUrlCapture>(LoginUrlCapture.Category, LogLevel.Information)
            .AddProvider(_output));

    /// <summary>The resource's URLs as the Aspire dashboard lists them (internal ones left out).</summary>
    public IReadOnlyList<Uri> DashboardUrls(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state)
            ? [.. state.Snapshot.Urls.Where(u => !u.IsInternal).Select(u => new Uri(u.Url))]
            : [];

    /// <summary>An environment variable of a resource as the dashboard shows it (resolved values).</summary>
    public string? Environment(string resource, string name) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state)
            ? state.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == name)?.Value
            : null;

    /// <summary>The compute resources of the model: what the dashboard lists as resources.</summary>
    public IEnumerable<string> ComputeResources() =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IComputeResource>().Select(r => r.Name);

    /// <summary>Keeps the "Login to the dashboard at …" line of the AppHost's log.</summary>
    private sealed class LoginUrlCapture : ILoggerProvider, ILogger
    {
        public const string Category = "Aspire.Hosting.DistributedApplication";
        private readonly ConcurrentQueue<Uri> _urls = new();

        public Uri? LoginUrl => _urls.LastOrDefault();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured value of "Login to the dashboard at {LoginUrl}", not the formatted line.
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "LoginUrl").Value is string url
                && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                _urls.Enqueue(uri);
            }
        }

        public void Dispose()
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LaunchPathCollection : ICollectionFixture<LaunchPathFixture>
{
    public const string Name = "Launch path (fixed ports)";
}
