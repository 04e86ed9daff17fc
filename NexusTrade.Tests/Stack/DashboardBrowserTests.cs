using Microsoft.Playwright;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The README's "try it" paragraph, done by a browser as a person would: log into the Aspire dashboard with the token
/// the AppHost printed, press <i>Inject outage</i> on <c>marketfeed-primary</c>, and read the page the alert inbox
/// shows until the page arrives. Screenshots of both pages are written to <see cref="Artifacts"/>.
/// </summary>
[Collection(LaunchPathCollection.Name)]
[Trait("Category", "Stack")]
public sealed class DashboardBrowserTests(LaunchPathFixture stack, ITestOutputHelper output)
{
    /// <summary>Debian's chromium (apt-get install chromium); Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary><c>artifacts/screenshots/</c> of the repository, or <c>NEXUSTRADE_TEST_ARTIFACTS</c>.</summary>
    public static string Artifacts => Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("NEXUSTRADE_TEST_ARTIFACTS") ?? RepoPaths.Combine("artifacts", "screenshots")).FullName;

    [Fact]
    public async Task The_outage_button_in_the_dashboard_reaches_the_inbox_page()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium (scripts/bootstrap.sh installs it)");
        await stack.StartQuietAsync("DataProviderFailing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout(30_000);

        using var traffic = new CancellationTokenSource();
        var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
        try
        {
            output.WriteLine($"dashboard login: {stack.DashboardLoginUrl}");
            await page.GotoAsync(stack.DashboardLoginUrl.ToString());
            var primary = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "marketfeed-primary" });
            await primary.GetByText("Running").WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "dashboard-resources.png") });
            var inboxUrl = await page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "alert-inbox" })
                .GetByRole(AriaRole.Link).First.GetAttributeAsync("href");
            output.WriteLine($"alert inbox page: {inboxUrl}");

            await PressCommandAsync(page, primary, "Inject outage");
            await StackFixture.EventuallyAsync(async () => (await stack.MarketFeed("marketfeed-primary").GetStringAsync("/faults")).Contains("\"outage\":true"),
                TimeSpan.FromSeconds(10), "the outage set on marketfeed-primary by the button");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "dashboard-after-inject-outage.png") });

            var inbox = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var response = await inbox.GotoAsync(inboxUrl!);
            Assert.StartsWith("text/html", response!.Headers.GetValueOrDefault("content-type", ""));
            await StackFixture.EventuallyAsync(async () =>
            {
                await inbox.ReloadAsync();
                var text = await inbox.Locator("body").InnerTextAsync();
                return text.Contains("DataProviderFailing") && text.Contains("marketfeed-primary");
            }, TimeSpan.FromSeconds(150), "DataProviderFailing for marketfeed-primary on the inbox page");
            await inbox.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "alert-inbox.png"), FullPage = true });

            await PressCommandAsync(page, primary, "Reset faults");
        }
        catch
        {
            // What the person would have seen when it went wrong.
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "dashboard-on-failure.png") });
            throw;
        }
        finally
        {
            await traffic.CancelAsync();
            await load;
            await stack.ResetFaultsAsync();
        }
        await stack.WaitForPrimaryProviderAsync();
    }

    /// <summary>Actions (…) → Commands → the command, as the dashboard's resource grid offers it.</summary>
    private static async Task PressCommandAsync(IPage page, ILocator row, string command)
    {
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Actions" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = "Commands" }).HoverAsync();
        await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = command, Exact = true }).ClickAsync();
    }
}
