using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NexusTrade.Api.Protection;

public static class RequestLimitsExtensions
{
    /// <summary>
    /// Kestrel's limits, tighter than its defaults: the API takes no request bodies worth the name, so an oversized
    /// request line, header block or body is refused before it costs anything. No <c>Server</c> banner either.
    /// </summary>
    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        return builder;
    }
}
