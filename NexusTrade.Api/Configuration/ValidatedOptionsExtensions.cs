using Microsoft.Extensions.Options;

namespace NexusTrade.Api.Configuration;

public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to its configuration section and checks its data annotations at start-up:
    /// each annotation's message names the key, so a bad value stops the API with a message that says which.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class =>
        services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
}
