using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.AppHost;

/// <summary>
/// The component catalogue is the one description of each infrastructure component: every resource the AppHost wires
/// is in it, every offline recipe belongs to it, and the scripts read it (scripts/catalog.sh), not lists of their own.
/// </summary>
public sealed partial class ComponentCatalogTests
{
    [Theory]
    [InlineData("container", false)]
    [InlineData("host", false)]
    [InlineData("host", true)]
    public async Task Every_infrastructure_resource_of_the_app_model_is_a_catalogue_component(string runtime, bool highAvailability)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NexusTrade_AppHost>(
        [
            $"--NexusTrade:Runtime={runtime}", $"--NexusTrade:HighAvailability={highAvailability}",
            $"--NexusTrade:StateDirectory={Path.Combine(Path.GetTempPath(), "nexustrade-catalog-" + Guid.NewGuid().ToString("N")[..8])}",
        ]);
        var names = ComponentCatalog.All.Select(c => c.Name).ToHashSet();
        var infrastructure = builder.Resources
            .Where(r => r is ContainerResource or ExecutableResource && r is not IResourceWithParent) // not a project's rebuilder
            .ToList();

        Assert.NotEmpty(infrastructure);
        // A replica (prometheus-0, alertmanager-2) is its component's.
        Assert.All(infrastructure, r => Assert.Contains(ReplicaSuffix().Replace(r.Name, ""), names));
    }

    [Fact]
    public void Each_offline_recipe_belongs_to_a_component_with_a_package_and_takes_the_package_from_the_catalogue()
    {
        var directory = RepoPaths.Combine("scripts", "offline-images");
        var recipes = Directory.GetFiles(directory, "*.Dockerfile").Select(f => Path.GetFileName(f)[..^".Dockerfile".Length])
            .Where(name => name != "tunnel-base").Order().ToList();

        Assert.Equal(ComponentCatalog.All.Where(c => c.HasOfflineImage).Select(c => c.Name).Order(), recipes);
        Assert.All(recipes, name =>
        {
            var recipe = File.ReadAllText(Path.Combine(directory, name + ".Dockerfile"));
            // No default: a package named here as well would be a second place for it.
            Assert.Matches(new Regex(@"^ARG PACKAGE$", RegexOptions.Multiline), recipe);
            Assert.Contains("\"${PACKAGE}=${VERSION}\"", recipe);
        });
    }

    [Fact]
    public async Task The_catalog_command_lists_every_host_binary_its_package_and_every_offline_image()
    {
        var packages = await CatalogAsync("host-packages");
        var images = await CatalogAsync("offline-images");

        foreach (var component in ComponentCatalog.HostMode)
        {
            Assert.Contains($"{component.Host!.Binary} {component.Host.Package ?? "-"} run", packages);
            Assert.All(component.Host.Tools, tool => Assert.Contains($"{tool} {component.Host.Package} tool", packages));
        }
        Assert.All(ComponentCatalog.TestTools, tool => Assert.Contains($"{tool.Binary} {tool.Package} test", packages));
        Assert.Equal(ComponentCatalog.All.Where(c => c.HasOfflineImage).Select(c => $"{c.Name} {c.Host!.Package}"), images);
    }

    [Fact]
    public void No_script_lists_a_component_or_a_package()
    {
        var scripts = Directory.GetFiles(RepoPaths.Combine("scripts"), "*.sh")
            .ToDictionary(f => Path.GetFileName(f)!, f => CommentLine().Replace(File.ReadAllText(f), ""));
        // The packages (where a package is named like its component, as prometheus is, the name says too little).
        var facts = ComponentCatalog.All.Where(c => c.HasOfflineImage && c.Host!.Package != c.Name).Select(c => c.Host!.Package!)
            .Concat(ComponentCatalog.TestTools.Select(t => t.Package!))
            .Distinct();

        Assert.All(facts, fact => Assert.All(scripts, script =>
            Assert.False(Regex.IsMatch(script.Value, $@"(?<![\w./-]){Regex.Escape(fact)}(?![\w-])"), $"scripts/{script.Key} names '{fact}'")));
    }

    /// <summary>What the AppHost prints for <c>catalog</c> (the scripts run it through scripts/catalog.sh).</summary>
    private static async Task<string[]> CatalogAsync(string what)
    {
        using var output = new StringWriter();
        Assert.Equal(0, ComponentCatalog.Print([ComponentCatalog.Command, what], output));
        await output.FlushAsync();
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"-\d+$")]
    private static partial Regex ReplicaSuffix();

    [GeneratedRegex(@"(?m)^\s*#.*$")]
    private static partial Regex CommentLine();
}
