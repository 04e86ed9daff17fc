using System.Text.Json;
using System.Text.Json.Serialization;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Api.Http;

/// <summary>
/// The REST answers' JSON from source-generated serializers (the web defaults: camelCase), ahead of the reflection-based
/// resolver, which still serves every other type (problem details). Writes straight to the response's writer without
/// the reflection serializer's converters: a measurable share of the cached quote route (bench/README.md).
/// </summary>
public static class ApiJson
{
    public static IHostApplicationBuilder AddApiJson(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        return builder;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Quote))]
[JsonSerializable(typeof(QuoteEndpoints.QuoteBatch))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
