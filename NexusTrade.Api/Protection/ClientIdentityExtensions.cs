using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Configuration;

namespace NexusTrade.Api.Protection;

/// <summary>The client a request comes from (see <see cref="ClientIdentityOptions"/>), as ASP.NET Core's forwarded-headers middleware establishes it.</summary>
public static class ClientIdentityExtensions
{
    // The transport peer, kept before the middleware replaces the remote address with the forwarded one.
    private const string PeerItem = "NexusTrade.ClientIdentity.Peer";

    public static IHostApplicationBuilder AddClientIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ClientIdentityOptions>(ClientIdentityOptions.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ClientIdentityOptions>>((forwarded, identity) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.ForwardLimit = identity.Value.ForwardLimit;
            // Only what is configured: the defaults would trust loopback.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in identity.Value.TrustedProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in identity.Value.TrustedNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return builder;
    }

    /// <summary>Applies X-Forwarded-For from trusted proxies; before the rate limiter, so that it sees the client's address.</summary>
    public static IApplicationBuilder UseClientIdentity(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            context.Items[PeerItem] = context.Connection.RemoteIpAddress;
            return next(context);
        });
        return app.UseForwardedHeaders();
    }

    /// <summary>The client's partition key: <c>key:&lt;hash&gt;</c> for an API key a trusted proxy passed on, else <c>ip:&lt;address&gt;</c>.</summary>
    public static string ClientPartition(this HttpContext context)
    {
        var identity = context.RequestServices.GetRequiredService<IOptions<ClientIdentityOptions>>().Value;
        if (identity.ApiKeyHeader is { } header
            && context.Request.Headers[header] is [{ Length: > 0 } key]
            && context.Items[PeerItem] is IPAddress peer
            && IsTrusted(context.RequestServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value, peer))
        {
            // Hashed: the limiter keeps its partition keys in memory.
            return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16);
        }
        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static bool IsTrusted(ForwardedHeadersOptions forwarded, IPAddress peer)
    {
        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        return forwarded.KnownProxies.Contains(address) || forwarded.KnownIPNetworks.Any(network => network.Contains(address));
    }
}
