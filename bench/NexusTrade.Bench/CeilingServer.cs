using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace NexusTrade.Bench;

/// <summary>
/// The machine's ceiling for the cached quote route: bare Kestrel answering every request with the bytes the API answered
/// once (body and content type), with no middleware, routing, cache, rate limiter, logging or telemetry. What the API
/// reaches is then given as a share of what Kestrel alone reaches on the same cores under the same load.
/// </summary>
public static class CeilingServer
{
    public static async Task<int> RunAsync(Options options)
    {
        var source = Options.Loopback(options.Required("body-from"));
        var port = options.Int("port", 0);
        options.EnsureAllUsed();
        if (port is <= 0 or > 65535) throw new ArgumentException("--port must be a port number (1-65535)");

        using var http = new HttpClient();
        using var response = await http.GetAsync(source);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";

        // The empty builder: Kestrel and nothing else (no host filtering, routing, logging providers or meters listened to).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        Console.WriteLine($"ceiling: {body.Length} bytes of {contentType} from {source} on http://127.0.0.1:{port}/ (any path)");
        await app.RunAsync();
        return 0;
    }
}
