namespace NexusTrade.Api.Streaming;

internal static class TimedWait
{
    /// <summary>Waits for <paramref name="task"/>; false when it is still pending after <paramref name="timeout"/>.</summary>
    public static async Task<bool> CompletesWithinAsync(this Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            // A send left pending fails once the socket is aborted: observe it, so that it is not reported as unobserved.
            if (!task.IsCompleted)
            {
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }
}
