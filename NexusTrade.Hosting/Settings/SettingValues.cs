using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NexusTrade.Hosting;

/// <summary>
/// Typed reads of one setting, each failing with a message that names its full key and says what would be valid: the
/// AppHost's settings and the publisher's share them, so that every key reports a mistake the same way.
/// </summary>
public static partial class SettingValues
{
    public static bool Flag(IConfiguration section, string key, bool fallback) => NonEmpty(section[key]) switch
    {
        null => fallback,
        var value when bool.TryParse(value, out var flag) => flag,
        var value => throw Invalid(section, key, value, "use true or false"),
    };

    /// <summary>One of <typeparamref name="T"/>'s names, in any case (numbers are refused: they would match any value).</summary>
    public static T Choice<T>(IConfiguration section, string key, T fallback) where T : struct, Enum
    {
        var value = NonEmpty(section[key]);
        if (value is null) return fallback;
        return Enum.TryParse<T>(value, ignoreCase: true, out var choice) && Enum.IsDefined(choice) && !int.TryParse(value, out _) ? choice
            : throw Invalid(section, key, value, $"use {string.Join(" or ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
    }

    /// <summary>A positive hh:mm:ss duration (TimeSpan alone would read a bare "15" as 15 days).</summary>
    public static TimeSpan Duration(IConfiguration section, string key, TimeSpan fallback)
    {
        var value = NonEmpty(section[key]);
        if (value is null) return fallback;
        return value.Contains(':') && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero ? duration
            : throw Invalid(section, key, value, "use a positive duration as hh:mm:ss, e.g. 00:15:00");
    }

    public static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A DNS-1123 label (a namespace, a Secret of ours): lower-case letters, digits and '-', at most 63.</summary>
    public static bool IsDnsLabel(string value) => value.Length <= 63 && DnsLabel().IsMatch(value);

    /// <summary>A DNS-1123 subdomain (a StorageClass): labels joined by '.', at most 253.</summary>
    public static bool IsDnsSubdomain(string value) => value.Length <= 253 && value.Split('.').All(label => DnsLabel().IsMatch(label));

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex DnsLabel();

    /// <summary>The full key of <paramref name="key"/> in <paramref name="section"/> (the root configuration has no path).</summary>
    public static string PathOf(IConfiguration section, string key) => section is IConfigurationSection { Path: { Length: > 0 } path } ? $"{path}:{key}" : key;

    public static InvalidOperationException Invalid(IConfiguration section, string key, string value, string what) =>
        new($"{PathOf(section, key)} is '{value}': {what}.");
}
