using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Protection;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Streaming;

namespace NexusTrade.Tests.Api;

/// <summary>
/// Each feature's <c>Add…</c> registers its options validated at start-up, with a message that names the key.
/// (The start-up validator is what the host runs first in StartAsync; called directly, the test needs no Redis or providers.)
/// </summary>
public sealed class FeatureOptionsTests
{
    public static TheoryData<string, string> BadSettings => new()
    {
        { "Quotes:CacheTtl", "00:00:00.001" },
        { "Quotes:MaxSymbolsPerRequest", "0" },
        { "QuoteStream:MaxPendingReplies", "0" },
        { "QuoteStream:SendTimeout", "00:10:00" },
        { "RateLimiting:Burst", "0" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_the_start_up_with_a_message_naming_its_key(string key, string value)
    {
        using var host = Build(new Dictionary<string, string?> { [key] = value });
        var error = Assert.ThrowsAny<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        using var host = Build([]);
        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddQuotes().AddQuoteStreaming().AddRateLimiting();
        return builder.Build();
    }
}
