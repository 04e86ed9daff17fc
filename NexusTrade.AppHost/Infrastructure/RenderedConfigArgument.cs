using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// A command-line argument (<c>--config.file=…</c>) that writes its config file when the argument is resolved, i.e.
/// just before the process or container is created. By then DCP has allocated every address the file needs, the
/// container tunnel's ports to host projects included; a BeforeResourceStartedEvent comes before the tunnel, and
/// waiting there for its ports would wait forever. <paramref name="references"/> are the endpoints the file names:
/// as references they make DCP open the tunnel for them.
/// </summary>
public sealed class RenderedConfigArgument(string argument, Func<CancellationToken, Task> render, IEnumerable<object> references)
    : IValueProvider, IValueWithReferences
{
    public IEnumerable<object> References => references;

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        await render(cancellationToken);
        return argument;
    }
}
