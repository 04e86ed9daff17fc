using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace NexusTrade.Tests.Alerting.Harness;

/// <summary>
/// Records Alertmanager webhook notifications by receiver: each receiver posts to <c>{BaseUrl}{receiver}</c>.
/// </summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Receiver, JsonElement Body)> _received = new();
    private readonly Task _loop;

    public WebhookSink()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Alert names notified to <paramref name="receiver"/> so far.</summary>
    public IReadOnlyList<string> AlertNames(string receiver) =>
        _received.Where(r => r.Receiver == receiver)
            .SelectMany(static r => r.Body.GetProperty("alerts").EnumerateArray())
            .Select(static a => a.GetProperty("labels").GetProperty("alertname").GetString() ?? "")
            .ToList();

    public string Summary() => string.Join("; ", _received.Select(static r => $"{r.Receiver}: {r.Body.GetProperty("commonLabels").GetRawText()}"));

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var document = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                _received.Enqueue((context.Request.Url!.AbsolutePath.Trim('/'), document.RootElement.Clone()));
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
