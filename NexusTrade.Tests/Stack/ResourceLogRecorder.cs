using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Keeps the last lines each resource wrote (the testing host forwards them as log entries of category
/// <c>…Resources.&lt;name&gt;</c>), so that a stack test failing on a 500 can say which exception the service logged:
/// the .NET console logger's <c>fail:</c> and <c>crit:</c> entries with the lines that follow them.
/// </summary>
public sealed partial class ResourceLogRecorder : ILoggerProvider
{
    private const string ResourceCategory = ".Resources.";
    private const int LinesKept = 1_000;
    private const int LinesPerEntry = 40;
    private const int MaxEntries = 3;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        categoryName.LastIndexOf(ResourceCategory, StringComparison.Ordinal) is var at and >= 0
            ? new Recorder(_lines.GetOrAdd(categoryName[(at + ResourceCategory.Length)..], static _ => new ConcurrentQueue<string>()))
            : NullLogger.Instance;

    /// <summary>
    /// The last error entries <paramref name="resource"/> logged (the newest: earlier fault tests on the shared stack
    /// leave entries of their own), oldest first, or a line saying there were none.
    /// </summary>
    public async Task<string> ErrorEntriesAsync(string resource)
    {
        // Resource logs reach the AppHost a moment after they are written: give the entry of a failure just seen time to arrive.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var lines = _lines.TryGetValue(resource, out var kept) ? kept.Select(static line => Ansi().Replace(line, "")).ToList() : [];
        var starts = Enumerable.Range(0, lines.Count).Where(i => ErrorEntry().IsMatch(lines[i])).TakeLast(MaxEntries).ToList();
        var entries = new StringBuilder();
        foreach (var start in starts) entries.AppendJoin(Environment.NewLine, lines.Skip(start).Take(LinesPerEntry)).AppendLine();
        return starts.Count == 0 ? $"({resource} logged no error entry)" : $"{resource}'s last error entries:{Environment.NewLine}{entries}";
    }

    public void Dispose()
    {
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"(^|\s)(fail|crit): ")]
    private static partial Regex ErrorEntry();

    private sealed class Recorder(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue(formatter(state, exception));
            while (lines.Count > LinesKept) lines.TryDequeue(out _);
        }
    }
}
