using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NexusTrade.Tests.Integration;

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

    protected override string[] Arguments(string stateDirectory) =>
        ["--DcpPublisher:RandomizePorts=false", $"--NexusTrade:StateDirectory={stateDirectory}"];

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

    /// <summary>Runs a resource command (a button in the dashboard) and fails the test if it did not succeed.</summary>
    public async Task ExecuteCommandAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, timeout.Token);
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}");
    }

    /// <summary>The compute resources of the model: what the dashboard lists as resources.</summary>
    public IEnumerable<string> ComputeResources() =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IComputeResource>().Select(r => r.Name);

    /// <summary>Keeps the "Login to the dashboard at …" line of the AppHost's log.</summary>
    private sealed class LoginUrlCapture : ILoggerProvider, ILogger
    {
        public const string Category = "Aspire.Hosting.DistributedApplication";
        private const string Prefix = "Login to the dashboard at ";
        private readonly ConcurrentQueue<string> _lines = new();

        public Uri? LoginUrl => _lines.Select(line => line[(line.IndexOf(Prefix, StringComparison.Ordinal) + Prefix.Length)..].Trim())
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null)
            .LastOrDefault(uri => uri is not null);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            if (line.Contains(Prefix, StringComparison.Ordinal)) _lines.Enqueue(line);
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
