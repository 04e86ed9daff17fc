using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>Every workload meets the hardening list, with the user its image is built for.</summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class HardeningTests(PublishedManifests published)
{
    /// <summary>Paths each component writes to: with a read-only root filesystem they must be writable volumes.</summary>
    private static readonly Dictionary<string, string[]> WritablePaths = new()
    {
        ["prometheus"] = ["/prometheus"],
        ["alertmanager"] = ["/alertmanager"],
        ["grafana"] = ["/var/lib/grafana", "/var/log/grafana", "/tmp"],
        ["redis"] = ["/data", "/run/redis"],
        ["api"] = ["/tmp"],
    };

    [Fact]
    public void Every_container_is_hardened() => WorkloadHardening.AssertHardened(published.Workloads);

    [Fact]
    public void Writable_paths_are_writable_volumes()
    {
        foreach (var (name, paths) in WritablePaths)
        {
            var mounts = published.Workloads.Single(w => w.Name == name).Pod.Containers.Single().VolumeMounts;
            Assert.All(paths, path => Assert.Contains(mounts, m => m.MountPath == path && m.ReadOnlyProperty != true));
        }
        // Everything else that is mounted is read-only: configuration, secrets, the host's root.
        Assert.All(published.Workloads, w => Assert.All(w.Containers.SelectMany(c => c.VolumeMounts ?? []), mount =>
            Assert.True(mount.ReadOnlyProperty == true || WritablePaths.GetValueOrDefault(w.Name, []).Contains(mount.MountPath),
                $"{w}: {mount.MountPath} is writable")));
    }

    [Fact]
    public void Only_node_exporter_shares_the_hosts_namespaces_and_only_reads_its_root()
    {
        Assert.All(published.Workloads, w =>
        {
            var isNodeExporter = w.Name == "node-exporter";
            Assert.Equal(isNodeExporter, w.Pod.HostPID == true);
            Assert.Equal(isNodeExporter, w.Pod.HostNetwork == true);
            Assert.NotEqual(true, w.Pod.HostIPC);
            Assert.Equal(isNodeExporter, (w.Pod.Volumes ?? []).Any(v => v.HostPath is not null));
        });
        var nodeExporter = published.Workloads.Single(w => w.Name == "node-exporter");
        var container = nodeExporter.Pod.Containers.Single();
        Assert.Contains("--path.rootfs=/host", container.Args);
        Assert.Equal("/", nodeExporter.Pod.Volumes.Single(v => v.HostPath is not null).HostPath.Path);
        Assert.True(container.VolumeMounts.Single(m => m.MountPath == "/host").ReadOnlyProperty);
    }

    [Fact]
    public void Only_pods_that_call_the_api_server_get_a_token()
    {
        Assert.All(published.Workloads, w =>
            Assert.Equal(w.Name is "prometheus" or "kube-state-metrics", w.Pod.AutomountServiceAccountToken == true));
        Assert.All(published.All<V1ServiceAccount>(), account => Assert.False(account.AutomountServiceAccountToken));
    }
}

/// <summary>The hardening list as assertions, for any set of workloads (the simulators' publish uses it too).</summary>
public static class WorkloadHardening
{
    /// <summary>
    /// The user each image runs as (its files, and its volumes through fsGroup, belong to it): each component's from
    /// the catalogue, the .NET images' "app" user for the projects.
    /// </summary>
    private static long ExpectedUser(string workload) =>
        NexusTrade.AppHost.Infrastructure.ComponentCatalog.All.FirstOrDefault(c => c.Name == workload)?.User.Uid ?? RuntimeUser.DotNetApp.Uid;

    public static void AssertHardened(IEnumerable<Workload> workloads)
    {
        Assert.NotEmpty(workloads);
        Assert.All(workloads, w =>
        {
            var pod = w.Pod.SecurityContext;
            Assert.True(pod is not null, $"{w}: no pod securityContext");
            Assert.True(pod.RunAsNonRoot, $"{w}: runAsNonRoot");
            Assert.Equal(ExpectedUser(w.Name), pod.RunAsUser);
            Assert.Equal(ExpectedUser(w.Name), pod.RunAsGroup);
            Assert.Equal(ExpectedUser(w.Name), pod.FsGroup);
            Assert.Equal("RuntimeDefault", pod.SeccompProfile?.Type);

            Assert.All(w.Containers, container =>
            {
                var what = $"{w}/{container.Name}";
                var security = container.SecurityContext;
                Assert.True(security is not null, $"{what}: no securityContext");
                Assert.True(security.RunAsNonRoot, $"{what}: runAsNonRoot");
                Assert.True(security.ReadOnlyRootFilesystem, $"{what}: readOnlyRootFilesystem");
                Assert.False(security.AllowPrivilegeEscalation ?? true, $"{what}: allowPrivilegeEscalation");
                Assert.NotEqual(true, security.Privileged);
                Assert.Equal(["ALL"], security.Capabilities?.Drop ?? []);
                Assert.Null(security.Capabilities?.Add);

                foreach (var resources in new[] { container.Resources?.Requests, container.Resources?.Limits })
                {
                    Assert.True(resources is not null, $"{what}: requests and limits");
                    Assert.True(resources.ContainsKey("cpu") && resources.ContainsKey("memory"), $"{what}: cpu and memory");
                }
                Assert.True(container.Resources!.Limits["memory"].ToDecimal() >= container.Resources.Requests["memory"].ToDecimal(), $"{what}: memory limit below request");
                Assert.True(container.Resources.Limits["cpu"].ToDecimal() >= container.Resources.Requests["cpu"].ToDecimal(), $"{what}: cpu limit below request");
            });
        });
    }
}
