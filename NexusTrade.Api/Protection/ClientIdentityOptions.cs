using System.ComponentModel.DataAnnotations;
using System.Net;

namespace NexusTrade.Api.Protection;

/// <summary>
/// Who a client is, for its rate-limit budget: the connection's address, or behind a reverse proxy the address that a
/// trusted proxy put in X-Forwarded-For, or the API key a trusted gateway passes in <see cref="ApiKeyHeader"/>. Nothing
/// is trusted unless listed here (not even loopback): a forged header from anyone else is ignored.
/// </summary>
public sealed class ClientIdentityOptions : IValidatableObject
{
    public const string SectionName = "ClientIdentity";

    /// <summary>Addresses of proxies whose X-Forwarded-For is believed, e.g. <c>10.0.0.12</c>.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR notation, e.g. the cluster's pod network <c>10.244.0.0/16</c>.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>How many trusted proxies in a row may have appended to X-Forwarded-For (an ingress: 1).</summary>
    [Range(1, 10, ErrorMessage = "ClientIdentity:ForwardLimit must be between 1 and 10.")]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>
    /// A header naming the client (an API key or consumer id that a gateway has checked): when a request from a trusted
    /// proxy carries it, the client's budget is the key's, whatever its address. Unset: addresses only.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9-]+$", ErrorMessage = "ClientIdentity:ApiKeyHeader must be a header name such as X-Api-Key.")]
    public string? ApiKeyHeader { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedProxies.Length; i++)
        {
            if (!IPAddress.TryParse(TrustedProxies[i], out _))
                yield return new ValidationResult($"ClientIdentity:TrustedProxies:{i} ('{TrustedProxies[i]}') is not an IP address such as 10.0.0.12.");
        }
        for (var i = 0; i < TrustedNetworks.Length; i++)
        {
            if (!IPNetwork.TryParse(TrustedNetworks[i], out _))
                yield return new ValidationResult($"ClientIdentity:TrustedNetworks:{i} ('{TrustedNetworks[i]}') is not a network in CIDR notation such as 10.244.0.0/16.");
        }
    }
}
