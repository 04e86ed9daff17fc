using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// What a person gets from the README's <c>dotnet run</c>: every resource on its own address, the API's provider URLs
/// reaching the process they are named after, the dashboard's fault buttons acting on the process they belong to, and
/// an outage on the primary failing over to the secondary and paging.
/// </summary>
[Collection(LaunchPathCollection.Name)]
[Trait("Category", "Stack")]
public sealed class LaunchPathTests(LaunchPathFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Feeds = ["marketfeed-primary", "marketfeed-secondary"];

    /// <summary>The fault buttons of a vendor simulator in the dashboard, and what each must set.</summary>
    public static readonly TheoryData<string, string, string> FaultCommands = new()
    {
        { "marketfeed-primary", "inject-outage", "outage" },
        { "marketfeed-primary", "inject-errors", "errorRate" },
        { "marketfeed-secondary", "inject-latency", "latencyMs" },
    };

    [Fact]
    public void Every_resource_has_its_own_addresses()
    {
        var owners = new Dictionary<string, string>();
        var clashes = new List<string>();
        foreach (var resource in stack.ComputeResources())
        {
            foreach (var url in stack.DashboardUrls(resource).Select(u => u.Authority).Distinct())
            {
                output.WriteLine($"{resource,-22} {url}");
                if (!owners.TryAdd(url, resource)) clashes.Add($"{url}: {owners[url]} and {resource}");
            }
        }
        Assert.True(clashes.Count == 0, "resources sharing an address: " + string.Join("; ", clashes));
        Assert.All(StackFixture.CoreResources, r => Assert.NotEmpty(stack.DashboardUrls(r)));
    }

    [Fact]
    public async Task Each_provider_url_reaches_the_process_named_after_it()
    {
        try
        {
            for (var i = 0; i < Feeds.Length; i++)
            {
                var name = stack.Environment("api", $"MarketData__Providers__{i}__Name");
                var baseUrl = stack.Environment("api", $"MarketData__Providers__{i}__BaseUrl");
                output.WriteLine($"provider {i}: {name} at {baseUrl}");
                Assert.Equal(Feeds[i], name);
                Assert.False(string.IsNullOrEmpty(baseUrl), $"MarketData__Providers__{i}__BaseUrl is empty");
                var authority = new Uri(baseUrl!).Authority;
                Assert.Contains(authority, stack.DashboardUrls(Feeds[i]).Select(u => u.Authority));
                foreach (var other in stack.ComputeResources().Where(r => r != Feeds[i]))
                {
                    Assert.DoesNotContain(authority, stack.DashboardUrls(other).Select(u => u.Authority));
                }

                // A fault set through the API's URL for this provider shows up in that process, and only there.
                using var client = new HttpClient { BaseAddress = new Uri(baseUrl!) };
                (await client.PutAsJsonAsync("/faults", new { latencyMs = 1 + i })).EnsureSuccessStatusCode();
                Assert.Equal(1 + i, (await FaultsAsync(Feeds[i])).GetProperty("latencyMs").GetInt32());
                Assert.Equal(0, (await FaultsAsync(Feeds[1 - i])).GetProperty("latencyMs").GetInt32());
                await stack.ResetFaultsAsync();
            }
        }
        finally
        {
            await stack.ResetFaultsAsync();
        }
    }

    [Theory]
    [MemberData(nameof(FaultCommands))]
    public async Task A_fault_button_changes_only_the_process_it_belongs_to(string feed, string command, string setting)
    {
        try
        {
            await stack.ExecuteCommandAsync(feed, command);
            var faults = await FaultsAsync(feed);
            Assert.True(IsSet(faults.GetProperty(setting)), $"{command} on {feed} did not set {setting}: {faults}");
            foreach (var other in Feeds.Where(f => f != feed))
            {
                var untouched = await FaultsAsync(other);
                Assert.False(IsSet(untouched.GetProperty(setting)), $"{command} on {feed} also changed {other}: {untouched}");
            }

            await stack.ExecuteCommandAsync(feed, "reset-faults");
            Assert.False(IsSet((await FaultsAsync(feed)).GetProperty(setting)), $"reset-faults left {setting} set on {feed}");
        }
        finally
        {
            await stack.ResetFaultsAsync();
        }
    }

    [Fact]
    public async Task An_outage_button_on_the_primary_fails_over_and_reaches_the_inbox()
    {
        await stack.StartQuietAsync("DataProviderFailing");
        try
        {
            await stack.ExecuteCommandAsync("marketfeed-primary", "inject-outage");
            using var traffic = new CancellationTokenSource();
            var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
            try
            {
                await StackFixture.EventuallyAsync(async () =>
                {
                    using var response = await stack.Api.GetAsync("/api/quotes/F" + Random.Shared.Next(10_000, 99_999));
                    return (await response.Content.ReadAsStringAsync()).Contains("\"provider\":\"marketfeed-secondary\"");
                }, TimeSpan.FromSeconds(30), "a quote served by marketfeed-secondary");

                await StackFixture.EventuallyAsync(async () =>
                    (await stack.NotificationsAsync("pagerduty"))
                        .Any(n => n.GetRawText() is var raw && raw.Contains("DataProviderFailing") && raw.Contains("marketfeed-primary")),
                    TimeSpan.FromSeconds(150), "DataProviderFailing for marketfeed-primary in the inbox");
            }
            finally
            {
                await traffic.CancelAsync();
                await load;
            }
        }
        finally
        {
            await stack.ExecuteCommandAsync("marketfeed-primary", "reset-faults");
        }
        await stack.WaitForPrimaryProviderAsync();
    }

    private async Task<JsonElement> FaultsAsync(string feed) => await stack.MarketFeed(feed).GetFromJsonAsync<JsonElement>("/faults");

    private static bool IsSet(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetDouble() != 0,
        _ => false,
    };
}
