using Microsoft.Extensions.Configuration;
using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// Every NexusTrade:* setting of the AppHost is read once into <see cref="AppHostSettings"/>: typed, defaulted, and a
/// wrong value or an unknown key is a line that names the key. On the user's path (the real AppHost binary) each ends
/// the run at once with that one line and exit code 1, nothing started; a publish fails with it.
/// </summary>
public sealed class AppHostSettingsTests : IDisposable
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("nexustrade-tests-settings-").FullName;

    [Fact]
    public void Defaults_need_no_setting()
    {
        var settings = Bind();

        Assert.Empty(settings.Problems);
        Assert.Equal((RuntimeChoice.Auto, false, true, false, true, TimeSpan.FromMinutes(15), MarketHours.Open, "nexustrade"),
            (settings.Runtime, settings.HighAvailability, settings.GrafanaEnabled, settings.GrafanaAnonymousAccess, settings.InstallMissing,
             settings.InstallTimeout, settings.MarketHours, settings.VolumePrefix));
        Assert.Equal(Path.Combine(RepoPaths.Root, ".state"), settings.StateDirectory);
    }

    [Fact]
    public void Values_are_read_case_insensitively_where_they_are_words()
    {
        var settings = Bind(("Runtime", "Host"), ("HighAvailability", "true"), ("Grafana:Enabled", "false"), ("Alertmanager:MarketHours", "Exchange"),
            ("InstallTimeout", "00:00:30"), ("Images:prometheus", "mirror.example/prometheus:v2.55.1"));

        Assert.Empty(settings.Problems);
        Assert.Equal((RuntimeChoice.Host, true, false, MarketHours.Exchange, TimeSpan.FromSeconds(30)),
            (settings.Runtime, settings.HighAvailability, settings.GrafanaEnabled, settings.MarketHours, settings.InstallTimeout));
        Assert.Equal("mirror.example/prometheus:v2.55.1", settings.Images.Resolve(PrometheusComponent.Component.Image).Reference);
    }

    [Fact]
    public void The_old_market_hours_key_still_works_with_a_warning()
    {
        var settings = AppHostSettings.Bind(Configuration(("Alertmanager:MarketHours", "closed")), AppHostDirectory);

        Assert.Empty(settings.Problems);
        Assert.Equal(MarketHours.Closed, settings.MarketHours);
        Assert.Contains("Alertmanager:MarketHours has moved to NexusTrade:Alertmanager:MarketHours", Assert.Single(settings.Warnings));
    }

    [Theory]
    [InlineData("Runtime", "vm", "NexusTrade:Runtime is 'vm': use auto or container or host.")]
    [InlineData("HighAvailability", "yes", "NexusTrade:HighAvailability is 'yes': use true or false.")]
    [InlineData("Grafana:Enabled", "maybe", "NexusTrade:Grafana:Enabled is 'maybe': use true or false.")]
    [InlineData("Alertmanager:MarketHours", "nyse", "NexusTrade:Alertmanager:MarketHours is 'nyse': use open or closed or exchange.")]
    [InlineData("InstallTimeout", "15", "NexusTrade:InstallTimeout is '15': use a positive duration as hh:mm:ss")]
    [InlineData("VolumePrefix", "my volumes", "NexusTrade:VolumePrefix is 'my volumes'")]
    [InlineData("Images:prometheus", "nexustrade-offline/prometheus", "NexusTrade:Images:prometheus is 'nexustrade-offline/prometheus': use image:tag")]
    [InlineData("Images:promethues", "nexustrade-offline/prometheus:2.42.0", "NexusTrade:Images:promethues: there is no image named 'promethues'")]
    [InlineData("Runtim", "host", "NexusTrade:Runtim is not a setting of the AppHost: use one of NexusTrade:Runtime,")]
    [InlineData("Grafana:Enable", "false", "NexusTrade:Grafana:Enable is not a setting of the AppHost: use one of NexusTrade:Grafana:Enabled, NexusTrade:Grafana:AnonymousAccess.")]
    public void A_wrong_value_or_an_unknown_key_is_one_problem_naming_the_key(string key, string value, string problem) =>
        Assert.Contains(problem, Assert.Single(Bind((key, value)).Problems));

    [Theory]
    [InlineData("--NexusTrade:Runtim=host", "NexusTrade:Runtim is not a setting of the AppHost")]
    [InlineData("--NexusTrade:Grafana:Enabled=maybe", "NexusTrade:Grafana:Enabled is 'maybe': use true or false.")]
    [InlineData("--NexusTrade:Images:prometheus=registry:5000/prometheus", "NexusTrade:Images:prometheus is 'registry:5000/prometheus': use image:tag")]
    public async Task On_the_run_command_a_wrong_setting_stops_everything_in_one_line(string argument, string expected)
    {
        var (exitCode, output) = await ToolRunner.RunAsync(AppHostProcess.Dotnet, AppHostProcess.Arguments(_stateDirectory, argument), TimeSpan.FromSeconds(60));

        AppHostProcess.AssertOneLine(exitCode, output, expected);
        Assert.False(File.Exists(Path.Combine(_stateDirectory, Preflight.LockFileName + ".pid")), "the AppHost went on to start");
    }

    [Fact]
    public async Task A_publish_with_a_wrong_setting_fails_naming_it()
    {
        var log = await Kubernetes.PublishedManifests.FailingPublishAsync(Path.Combine(_stateDirectory, "manifests"), "--NexusTrade:Grafana:Enabled=maybe");

        Assert.Contains("NexusTrade:Grafana:Enabled is 'maybe': use true or false.", log);
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    private static string AppHostDirectory => RepoPaths.Combine("NexusTrade.AppHost");

    private static AppHostSettings Bind(params (string Key, string Value)[] settings) =>
        AppHostSettings.Bind(Configuration([.. settings.Select(s => ($"NexusTrade:{s.Key}", s.Value))]), AppHostDirectory);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
