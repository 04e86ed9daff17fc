using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Telemetry;
using Polly;

namespace NexusTrade.Api.Providers;

public static class MarketDataProvidersExtensions
{
    private const string PipelineName = "market-data";

    /// <summary>
    /// One named HttpClient per configured provider, each with its own Polly pipeline
    /// (total timeout, retry with jitter, circuit breaker, attempt timeout), and the fail-over chain over them.
    /// </summary>
    public static IHostApplicationBuilder AddMarketDataProviders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<MarketDataOptions>, MarketDataOptionsValidator>();
        builder.Services.AddOptions<MarketDataOptions>().BindConfiguration(MarketDataOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<CircuitBreakerStates>();

        // The clients are registered from the configuration as it is now; the validator above rejects a bad list at start-up.
        var configured = builder.Configuration.GetSection(MarketDataOptions.SectionName).Get<MarketDataOptions>() ?? new MarketDataOptions();
        foreach (var provider in configured.Providers.Where(p => ProviderName.IsValid(p.Name)))
        {
            builder.Services.AddHttpClient(ClientName(provider.Name), (services, client) =>
                {
                    var current = services.GetRequiredService<IOptions<MarketDataOptions>>().Value.Providers.Single(p => p.Name == provider.Name);
                    client.BaseAddress = new Uri(current.BaseUrl.TrimEnd('/') + "/");
                })
                .AddResilienceHandler(PipelineName, (pipeline, context) => ConfigurePipeline(pipeline, context, provider.Name));
        }

        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<MarketDataOptions>>().Value;
            var factory = services.GetRequiredService<IHttpClientFactory>();
            var time = services.GetRequiredService<TimeProvider>();
            var states = services.GetRequiredService<CircuitBreakerStates>();
            var providers = options.Providers.Select(p =>
            {
                states.Register(p.Name);
                return new FinnhubQuoteProvider(p.Name, factory.CreateClient(ClientName(p.Name)), p.ApiKey, time);
            }).ToList();
            return new ProviderChain(providers, services.GetRequiredService<NexusTradeMetrics>(), services.GetRequiredService<ILogger<ProviderChain>>());
        });
        return builder;
    }

    private static string ClientName(string provider) => "provider-" + provider;

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context, string provider)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<MarketDataOptions>>().Value;
        var states = context.ServiceProvider.GetRequiredService<CircuitBreakerStates>();
        var metrics = context.ServiceProvider.GetRequiredService<NexusTradeMetrics>();

        void Enter(CircuitState state)
        {
            states.Set(provider, state);
            metrics.CircuitBreakerTransition(provider, state);
        }

        pipeline
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.RetryAttempts),
                ShouldHandle = options.RetryAttempts == 0 ? _ => PredicateResult.False() : new HttpRetryStrategyOptions().ShouldHandle,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = _ => { Enter(CircuitState.Open); return ValueTask.CompletedTask; },
                OnHalfOpened = _ => { Enter(CircuitState.HalfOpen); return ValueTask.CompletedTask; },
                OnClosed = _ => { Enter(CircuitState.Closed); return ValueTask.CompletedTask; },
            })
            .AddTimeout(options.AttemptTimeout);
    }
}
