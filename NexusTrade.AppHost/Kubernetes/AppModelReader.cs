using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>A port a resource listens on inside its container: the Aspire endpoint name becomes the Kubernetes port name.</summary>
public sealed record PortSpec(string Name, int? TargetPort, string Scheme);

/// <summary>
/// What the Aspire app model says about one resource, reduced to what a manifest can use: the image, the ports, and
/// the environment and arguments as Aspire values. Values are kept as objects (string, ParameterResource,
/// EndpointReference, ...) so that a secret parameter is turned into a secretKeyRef and never into its value.
/// </summary>
public sealed record ComponentSpec(
    IResource Resource,
    string? Image,
    IReadOnlyList<PortSpec> Ports,
    IReadOnlyDictionary<string, object> Environment,
    IReadOnlyList<object> Args)
{
    public string Name => Resource.Name;

    public PortSpec Port(string name) => Ports.FirstOrDefault(p => p.Name == name)
        ?? throw new InvalidOperationException($"Resource '{Name}' has no endpoint named '{name}'.");

    /// <summary>The arguments that are plain strings, in order (arguments built from references are left out).</summary>
    public IReadOnlyList<string> StaticArgs => Args.Select(AppModelReader.StaticValue).OfType<string>().ToList();
}

public static class AppModelReader
{
    /// <summary>Reads every compute resource of the model (parameters and other value-only resources are skipped).</summary>
    public static async Task<IReadOnlyDictionary<string, ComponentSpec>> ReadAsync(DistributedApplicationModel model,
        DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var specs = new Dictionary<string, ComponentSpec>(StringComparer.Ordinal);
        foreach (var resource in model.Resources.Where(r => r is IComputeResource && !r.IsExcludedFromPublish()))
        {
            specs[resource.Name] = await ReadAsync(resource, executionContext, cancellationToken);
        }
        return specs;
    }

    private static async Task<ComponentSpec> ReadAsync(IResource resource, DistributedApplicationExecutionContext executionContext,
        CancellationToken cancellationToken)
    {
        var image = resource.TryGetContainerImageName(out var name) ? name : null;
        var ports = resource.Annotations.OfType<EndpointAnnotation>()
            .Select(e => new PortSpec(e.Name, e.TargetPort, e.UriScheme))
            .ToList();

        var environment = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(executionContext, resource, environment, cancellationToken));
        }

        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args, resource, cancellationToken) { ExecutionContext = executionContext });
        }
        return new ComponentSpec(resource, image, ports, environment, args);
    }

    /// <summary>The literal text of a value that references nothing (a string, or an expression without references); otherwise null.</summary>
    public static string? StaticValue(object value) => value switch
    {
        string text => text,
        ReferenceExpression { ValueProviders.Count: 0 } expression => expression.Format,
        _ => null,
    };
}
