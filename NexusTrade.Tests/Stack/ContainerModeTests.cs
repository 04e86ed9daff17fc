using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

// Container mode on a real engine with the offline images (ContainerStackFixture): the same checks as host mode,
// plus what only containers have. Category=ContainerMode, not Stack: they need an engine and run on their own.

[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerStackHealthTests(ContainerStackFixture stack, ITestOutputHelper output) : StackHealthChecks(stack, output);

[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerAlertDeliveryTests(ContainerStackFixture stack, ITestOutputHelper output) : AlertDeliveryChecks(stack, output);

[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerMonitoringRestartTests(ContainerStackFixture stack, Xunit.Abstractions.ITestOutputHelper output) : MonitoringRestartChecks(stack, output);

/// <summary>The Alertmanager container killed with <c>docker kill --signal KILL</c>; its data in the named volume.</summary>
[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerAlertmanagerCrashTests(ContainerStackFixture stack, ITestOutputHelper output) : AlertmanagerCrashChecks(stack, output);

[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerModeTests(ContainerStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public void The_infrastructure_runs_in_containers_of_the_offline_images()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var (name, image) in stack.Images)
        {
            var container = Assert.IsAssignableFrom<ContainerResource>(model.Resources.Single(r => r.Name == name));
            var annotation = container.Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.Equal(image, $"{annotation.Image}:{annotation.Tag}");
            output.WriteLine($"{name}: {image}");
        }
        Assert.DoesNotContain(model.Resources, r => r.Name == "grafana");
    }

    [Fact]
    public async Task A_quote_is_cached_in_the_redis_container_and_streamed()
    {
        var symbol = "C" + Random.Shared.Next(1000, 9999);
        var first = JsonDocument.Parse(await stack.Api.GetStringAsync($"/api/quotes/{symbol}")).RootElement;
        Assert.False(first.GetProperty("fromCache").GetBoolean());
        var second = JsonDocument.Parse(await stack.Api.GetStringAsync($"/api/quotes/{symbol}")).RootElement;
        Assert.True(second.GetProperty("fromCache").GetBoolean(), "the second answer comes from Redis");

        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync($$"""{"action":"subscribe","symbols":["{{symbol}}"]}""");
        Assert.Equal("ack", (await socket.ReceiveJsonAsync()).GetProperty("type").GetString());
        JsonElement quote;
        do quote = await socket.ReceiveJsonAsync();
        while (quote.GetProperty("type").GetString() != "quote");
        Assert.Equal(symbol, quote.GetProperty("data").GetProperty("symbol").GetString());
    }

    [Fact]
    public async Task Data_lives_in_this_runs_named_volumes()
    {
        var volumes = await stack.VolumesAsync();
        foreach (var data in new[] { "redis-data", "prometheus-data", "alertmanager-data" })
        {
            Assert.Contains($"{stack.VolumePrefix}-{data}", volumes);
        }
    }
}

[Collection(ContainerStackCollection.Name)]
[Trait("Category", "ContainerMode")]
[Trait("Category", "Stack")]
public sealed class ContainerProbeTests(ContainerStackFixture stack, ITestOutputHelper output) : ProbeChecks(stack, output);
