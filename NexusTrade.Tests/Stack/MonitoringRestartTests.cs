using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class MonitoringRestartTests(StackFixture stack) : MonitoringRestartChecks(stack);

/// <summary>The monitoring stack's own faults: Prometheus and Alertmanager restarted keep their data and lose no alert.</summary>
public abstract class MonitoringRestartChecks(StackFixture stack)
{
    [Fact]
    public async Task Prometheus_restarted_keeps_its_data_resumes_scraping_and_the_alert_stays_firing()
    {
        // A sample from before the restart, by its timestamp.
        await StackFixture.EventuallyAsync(async () => (await stack.QueryAsync("up{job=\"api\"}")).GetArrayLength() > 0, TimeSpan.FromSeconds(30), "api scraped");
        var sampled = await stack.QueryAsync("timestamp(up{job=\"api\"})");
        var before = sampled[0].GetProperty("value")[1].GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(5));

        await stack.RestartAsync("prometheus");
        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var old = await QueryAtAsync("up{job=\"api\"}", before);
        Assert.True(old.GetArrayLength() > 0, $"the sample scraped at {before}, before the restart, survived it (persistent TSDB)");

        await StackFixture.EventuallyAsync(async () =>
        {
            var latest = await stack.QueryAsync("timestamp(up{job=\"api\"})");
            return latest.GetArrayLength() > 0 && double.Parse(latest[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) > restartedAt;
        }, TimeSpan.FromSeconds(60), "a scrape after the restart");

        await StackFixture.EventuallyAsync(async () =>
            (await stack.QueryAsync("ALERTS{alertname=\"Watchdog\",alertstate=\"firing\"}")).GetArrayLength() > 0,
            TimeSpan.FromSeconds(60), "Watchdog firing again after the restart (rules evaluated)");
    }

    [Fact]
    public async Task Alertmanager_restarted_keeps_its_silences_and_delivers_again()
    {
        var silence = new
        {
            matchers = new[] { new { name = "alertname", value = "NexusTradeRestartProbe", isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow,
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            createdBy = "MonitoringRestartTests",
            comment = "must survive an Alertmanager restart",
        };
        using var created = await stack.Alertmanager.PostAsJsonAsync("/api/v2/silences", silence);
        created.EnsureSuccessStatusCode();
        var silenceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("silenceID").GetString();

        await stack.RestartAsync("alertmanager");
        (await stack.Inbox.DeleteAsync("/inbox/notifications")).EnsureSuccessStatusCode();

        var restored = await stack.Alertmanager.GetFromJsonAsync<JsonElement>($"/api/v2/silence/{silenceId}");
        Assert.Equal("active", restored.GetProperty("status").GetProperty("state").GetString());

        // Prometheus re-sends firing alerts to the restarted Alertmanager, which delivers them again.
        await StackFixture.EventuallyAsync(async () =>
        {
            var notes = await stack.Inbox.GetFromJsonAsync<List<JsonElement>>("/inbox/notifications?channel=webhook:deadmansswitch") ?? [];
            return notes.Count > 0;
        }, TimeSpan.FromSeconds(120), "a Watchdog notification after the restart");
    }

    private async Task<JsonElement> QueryAtAsync(string promql, string unixSeconds)
    {
        var response = await stack.Prometheus.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(promql)}&time={unixSeconds}");
        return response.GetProperty("data").GetProperty("result");
    }
}
