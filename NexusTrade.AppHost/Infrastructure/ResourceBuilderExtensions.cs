using Aspire.Hosting.ApplicationModel;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>Small pieces every stack component uses, whichever runtime it runs on.</summary>
public static class StackResourceExtensions
{
    /// <summary>A host process from a Debian package with a dynamic, loopback-only HTTP endpoint (no proxy: scrape targets see the real port).</summary>
    public static IResourceBuilder<ExecutableResource> AddHostProcess(this IDistributedApplicationBuilder builder, string name,
        string binary, string workingDirectory) =>
        builder.AddExecutable(name, StackRuntime.RequireBinary(binary), workingDirectory)
            .WithHttpEndpoint(name: EndpointNames.Http, isProxied: false);

    /// <summary><c>127.0.0.1:{port}</c> of the resource's own HTTP endpoint, for <c>--web.listen-address</c> style flags.</summary>
    public static ReferenceExpression LoopbackListenAddress(this IResourceBuilder<IResourceWithEndpoints> resource, string endpoint = EndpointNames.Http) =>
        ReferenceExpression.Create($"127.0.0.1:{resource.GetEndpoint(endpoint).Property(EndpointProperty.TargetPort)}");

    /// <summary>
    /// A .NET project on a dynamic HTTP endpoint of its own, without its launch profile: a profile's applicationUrl is
    /// one fixed port, so every resource of the same project (the two simulators) would get it and share one proxy.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddProjectOnOwnPort<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, launchProfileName: null)
            .WithBuiltAssemblyLaunch()
            .WithHttpEndpoint(name: EndpointNames.Http)
            .WithEnvironment(context =>
            {
                // What the launch profile set: the AppHost's environment (Development under dotnet run); never published.
                if (context.ExecutionContext.IsRunMode) context.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"] = builder.Environment.EnvironmentName;
            });

    /// <summary>
    /// host:port of <paramref name="endpoint"/> as <paramref name="caller"/> reaches it: loopback between host processes;
    /// on the container network, another container by its name and a host project through Aspire's container tunnel
    /// (aspire.dev.internal, a port DCP allocates; it needs the caller to reference the project, and it is known only
    /// once the caller is being created: see <see cref="RenderedConfigArgument"/>).
    /// </summary>
    public static async Task<string> AddressFromAsync(this EndpointReference endpoint, IResource caller, StackRuntime runtime,
        CancellationToken cancellationToken)
    {
        if (runtime.IsHost) return $"{(endpoint.Host == "localhost" ? "127.0.0.1" : endpoint.Host)}:{endpoint.Port}";
        // Every container is on the network under its resource name.
        if (endpoint.Resource is ContainerResource) return $"{endpoint.Resource.Name}:{endpoint.TargetPort}";
        var context = new ValueProviderContext { Caller = caller, Network = KnownNetworkIdentifiers.DefaultAspireContainerNetwork };
        return await endpoint.Property(EndpointProperty.HostAndPort).GetValueAsync(context, cancellationToken)
            ?? throw new InvalidOperationException($"{endpoint.Resource.Name}/{endpoint.EndpointName} has no address on the container network.");
    }

    /// <summary>Container mode: the component's pinned image (or its <c>NexusTrade:Images</c> override) serving HTTP on the component's port.</summary>
    public static IResourceBuilder<ContainerResource> AddComponentContainer(this IDistributedApplicationBuilder builder,
        InfrastructureComponent component, StackRuntime runtime)
    {
        var image = runtime.Image(component.Image);
        return builder.AddContainer(component.Name, image.Image, image.Tag)
            .WithHttpEndpoint(name: EndpointNames.Http, targetPort: component.Port);
    }

    /// <summary>Host mode: the component's binary as <paramref name="name"/> (a replica's name; the component's by default).</summary>
    public static IResourceBuilder<ExecutableResource> AddComponentProcess(this IDistributedApplicationBuilder builder,
        InfrastructureComponent component, StackRuntime runtime, string? name = null)
    {
        var binary = component.Host?.Binary ?? throw new InvalidOperationException($"'{component.Name}' has no host mode.");
        name ??= component.Name;
        return builder.AddHostProcess(name, binary, runtime.State(name));
    }
}
