using System.Reflection;
using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>How the .NET projects of the stack are started locally.</summary>
public static class ProjectLaunch
{
    /// <summary>
    /// Starts the project's built assembly with <c>dotnet exec</c> instead of Aspire's default <c>dotnet run --no-build</c>,
    /// which still evaluates the project with MSBuild: seconds per project on a small machine, four projects at once.
    /// Everything Aspire sets (URLs, environment, OpenTelemetry, service discovery) stays as it is; under an IDE's debug
    /// session the IDE launches the project as usual. The AppHost builds its projects, so the assembly exists; if it
    /// does not (another output layout), the default launch is kept. The projects serve plain HTTP, so they get no
    /// development HTTPS certificate (and the dashboard no "no trusted certificate" banner).
    /// </summary>
#pragma warning disable ASPIREEXTENSION001, ASPIRECERTIFICATES001 // experimental in Aspire 13.6: launch arguments, certificates
    public static IResourceBuilder<ProjectResource> WithBuiltAssemblyLaunch(this IResourceBuilder<ProjectResource> project)
    {
        project.WithoutHttpsCertificate();
        if (BuiltAssembly(project.Resource) is not { } assembly) return project;
        return project.WithLaunchToolArgs(context =>
        {
            context.Args.Add("exec");
            context.Args.Add(assembly);
        }, ownedByLaunchConfigurationType: "project", showInCommandLine: true);
    }
#pragma warning restore ASPIREEXTENSION001, ASPIRECERTIFICATES001

    /// <summary><c>bin/&lt;configuration of the AppHost&gt;/&lt;tfm&gt;/&lt;project&gt;.dll</c>, as the AppHost's build leaves it.</summary>
    private static string? BuiltAssembly(ProjectResource project)
    {
        var projectPath = project.GetProjectMetadata().ProjectPath;
        // The AppHost's own build (also when a test host loads it): its projects were built with the same configuration.
        var appHost = typeof(ProjectLaunch).Assembly;
        var configuration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        if (configuration is null || string.IsNullOrEmpty(appHost.Location)) return null;
        var targetFramework = new DirectoryInfo(Path.GetDirectoryName(appHost.Location)!).Name;
        var assembly = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, targetFramework,
            Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        return File.Exists(assembly) ? assembly : null;
    }
}
