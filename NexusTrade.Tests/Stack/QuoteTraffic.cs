namespace NexusTrade.Tests.Stack;

/// <summary>Steady quote traffic with cache misses, as clients would cause it: about ten provider calls a second.</summary>
public static class QuoteTraffic
{
    public static async Task RunAsync(HttpClient api, CancellationToken cancellationToken)
    {
        var i = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var _ = await api.GetAsync($"/api/quotes/T{i++ % 5000:0000}", cancellationToken);
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
