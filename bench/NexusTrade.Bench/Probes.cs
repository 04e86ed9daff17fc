using System.Globalization;
using System.Runtime.InteropServices;

namespace NexusTrade.Bench;

/// <summary>What the bench reads about the processes under test: VmRSS, Prometheus text, signals.</summary>
public static partial class Probes
{
    /// <summary>Resident set size of a process in bytes (VmRSS from /proc/PID/status), or null when unknown.</summary>
    public static long? RssBytes(int? pid)
    {
        if (pid is not { } p) return null;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{p}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>CPU time (user + system) a process has used so far, from /proc/PID/stat, or null when unknown.</summary>
    public static TimeSpan? CpuTime(int? pid)
    {
        if (pid is not { } p) return null;
        try
        {
            var stat = File.ReadAllText($"/proc/{p}/stat");
            // Fields after the command name (which may hold spaces) start at state, field 3; utime and stime are 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Samples of one metric in Prometheus text format: (label text, value).</summary>
    public static IEnumerable<(string Labels, double Value)> Samples(string exposition, string metric)
    {
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal)) continue;
            var rest = line[metric.Length..];
            string labels;
            if (rest.StartsWith('{'))
            {
                var close = rest.LastIndexOf('}');
                if (close < 0) continue;
                labels = rest[1..close];
                rest = rest[(close + 1)..];
            }
            else if (rest.StartsWith(' '))
            {
                labels = "";
            }
            else
            {
                continue; // another metric whose name starts with this one
            }
            var token = rest.Trim().Split(' ')[0];
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) yield return (labels, value);
        }
    }

    /// <summary>Sum of every sample of a metric, or null when the metric is absent.</summary>
    public static double? Sum(string exposition, string metric)
    {
        double? sum = null;
        foreach (var (_, value) in Samples(exposition, metric)) sum = (sum ?? 0) + value;
        return sum;
    }

    /// <summary>Series in an exposition: non-empty lines that are not comments.</summary>
    public static int SeriesCount(string exposition) =>
        exposition.Split('\n').Count(l => l.Length > 0 && l[0] != '#');

    public static async Task<string?> TryGetTextAsync(HttpClient http, string url, CancellationToken ct = default)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public static void Signal(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : "n/a";
}
