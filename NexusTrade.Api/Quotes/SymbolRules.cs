using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace NexusTrade.Api.Quotes;

/// <summary>What a ticker symbol may look like: 1-12 characters, a letter first, then letters, digits, '.' or '-'.</summary>
public static partial class SymbolRules
{
    public const int MaxLength = 12;
    public const string Description = "a symbol is 1-12 characters: a letter, then letters, digits, '.' or '-' (for example AAPL or BRK.B)";

    [GeneratedRegex("^[A-Z][A-Z0-9.-]{0,11}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Normalises to upper case and validates; never echoes more than <see cref="MaxLength"/> characters back.</summary>
    public static bool TryNormalize(string? raw, [NotNullWhen(true)] out string? symbol)
    {
        symbol = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > MaxLength) return false;
        var upper = raw.Trim().ToUpperInvariant();
        if (!Pattern().IsMatch(upper)) return false;
        symbol = upper;
        return true;
    }

    /// <summary>A safe excerpt of user input for error messages.</summary>
    public static string Excerpt(string? raw) =>
        raw is null ? "" : raw.Length <= MaxLength + 8 ? raw : raw[..(MaxLength + 8)] + "…";
}
