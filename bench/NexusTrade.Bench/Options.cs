using System.Globalization;

namespace NexusTrade.Bench;

/// <summary><c>--name value</c> pairs after the subcommand; unknown or missing values fail loudly.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var key = e.Current;
            if (!key.StartsWith("--", StringComparison.Ordinal) || key.Length < 3) throw new ArgumentException($"expected --option, got '{key}'");
            if (!e.MoveNext()) throw new ArgumentException($"{key} needs a value");
            _values[key[2..]] = e.Current;
        }
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public string String(string name, string fallback) => Get(name) ?? fallback;

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public TimeSpan Duration(string name, TimeSpan fallback) => Get(name) is { } v ? ParseDuration(v) : fallback;

    /// <summary>Throws when an option was given that the subcommand never read (a typo would otherwise be ignored).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
    }

    /// <summary>An absolute URL whose host is a loopback address: the bench never sends load anywhere else.</summary>
    public static Uri Loopback(string text)
    {
        var uri = new Uri(text, UriKind.Absolute);
        var loopback = uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        if (!loopback) throw new ArgumentException($"'{text}' is not a loopback address: the bench only targets 127.0.0.0/8, [::1] or localhost");
        return uri;
    }

    /// <summary><c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>1h</c>, or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        if (text.EndsWith("ms", StringComparison.Ordinal)) return TimeSpan.FromMilliseconds(N(text[..^2]));
        if (text.EndsWith('s')) return TimeSpan.FromSeconds(N(text[..^1]));
        if (text.EndsWith('m')) return TimeSpan.FromMinutes(N(text[..^1]));
        if (text.EndsWith('h')) return TimeSpan.FromHours(N(text[..^1]));
        return TimeSpan.FromSeconds(N(text));
    }
}
