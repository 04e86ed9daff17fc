using NexusTrade.Api.Providers;

namespace NexusTrade.Tests.Api;

public sealed class MarketDataOptionsValidatorTests
{
    private static MarketDataOptions Valid() => new()
    {
        Providers =
        [
            new ProviderEndpointOptions { Name = "primary", BaseUrl = "http://127.0.0.1:5001", ApiKey = "secret-key" },
            new ProviderEndpointOptions { Name = "secondary", BaseUrl = "https://127.0.0.1:5002/", ApiKey = "secret-key" },
        ],
    };

    [Fact]
    public void A_complete_configuration_passes() => Assert.True(new MarketDataOptionsValidator().Validate(null, Valid()).Succeeded);

    [Fact]
    public void Every_problem_is_named_with_its_configuration_key()
    {
        var options = Valid();
        options.Providers[0].Name = "Primary!";
        options.Providers[1].BaseUrl = "ftp://nowhere";
        options.Providers[1].ApiKey = "";
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        var result = new MarketDataOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("MarketData:Providers:0:Name"));
        Assert.Contains(failures, f => f.Contains("MarketData:Providers:1:BaseUrl"));
        Assert.Contains(failures, f => f.Contains("MarketData:Providers:1:ApiKey"));
        Assert.Contains(failures, f => f.Contains("MarketData:AttemptTimeout"));
    }

    [Fact]
    public void An_empty_or_duplicated_provider_list_is_refused()
    {
        var validator = new MarketDataOptionsValidator();
        Assert.Contains("empty", validator.Validate(null, new MarketDataOptions()).FailureMessage);

        var duplicated = Valid();
        duplicated.Providers[1].Name = "primary";
        Assert.Contains("unique", validator.Validate(null, duplicated).FailureMessage);
    }
}
