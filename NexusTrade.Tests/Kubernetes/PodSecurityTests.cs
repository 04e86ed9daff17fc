using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// Pod Security admission: the application namespace enforces "restricted"; monitoring enforces "privileged" for
/// node-exporter alone (host namespaces and the host's root), and both warn and audit at "restricted", so that a pod
/// that stops meeting it is reported. Every pod but node-exporter meets "restricted", checked here by its rules.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class PodSecurityTests(PublishedManifests published)
{
    [Theory]
    [InlineData("nexustrade", "restricted")]
    [InlineData("monitoring", "privileged")]
    public void Namespaces_enforce_their_level_and_warn_and_audit_at_restricted(string name, string enforce)
    {
        var labels = published.Get<V1Namespace>(null, name).Metadata.Labels;

        Assert.Equal(enforce, labels["pod-security.kubernetes.io/enforce"]);
        Assert.Equal("restricted", labels["pod-security.kubernetes.io/warn"]);
        Assert.Equal("restricted", labels["pod-security.kubernetes.io/audit"]);
    }

    [Fact]
    public void Every_pod_but_node_exporter_meets_the_restricted_standard()
    {
        var violations = published.Workloads.ToDictionary(w => w.Name, RestrictedPodSecurity.Violations);

        Assert.True(violations.Where(v => v.Key != "node-exporter").All(v => v.Value.Count == 0),
            string.Join("\n", violations.Where(v => v.Key != "node-exporter").SelectMany(v => v.Value.Select(m => $"{v.Key}: {m}"))));
        // The check can fail: node-exporter is the one pod that needs more.
        Assert.Contains(violations["node-exporter"], v => v.Contains("hostNetwork", StringComparison.Ordinal));
        Assert.Contains(violations["node-exporter"], v => v.Contains("hostPath", StringComparison.Ordinal));
    }
}

/// <summary>
/// The rules of the "restricted" Pod Security Standard (Kubernetes 1.25 and later) that a pod template can break, as
/// PodSecurity admission applies them; the messages name the field.
/// </summary>
public static class RestrictedPodSecurity
{
    private static readonly HashSet<string> AllowedVolumeTypes =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    public static List<string> Violations(Workload workload)
    {
        var pod = workload.Pod;
        var problems = new List<string>();
        if (pod.HostNetwork == true) problems.Add("hostNetwork: true");
        if (pod.HostPID == true) problems.Add("hostPID: true");
        if (pod.HostIPC == true) problems.Add("hostIPC: true");
        foreach (var volume in pod.Volumes ?? [])
        {
            var type = VolumeType(volume);
            if (!AllowedVolumeTypes.Contains(type)) problems.Add($"volume {volume.Name}: {type} volumes are not allowed");
        }
        var podContext = pod.SecurityContext;
        if (podContext?.RunAsUser == 0) problems.Add("pod runAsUser: 0");
        foreach (var container in workload.Containers)
        {
            var context = container.SecurityContext;
            var name = $"container {container.Name}";
            if (context?.Privileged == true) problems.Add($"{name}: privileged");
            if (context?.AllowPrivilegeEscalation != false) problems.Add($"{name}: allowPrivilegeEscalation is not false");
            if ((context?.RunAsNonRoot ?? podContext?.RunAsNonRoot) != true) problems.Add($"{name}: runAsNonRoot is not true");
            if (context?.RunAsUser == 0) problems.Add($"{name}: runAsUser: 0");
            var seccomp = context?.SeccompProfile?.Type ?? podContext?.SeccompProfile?.Type;
            if (seccomp is not ("RuntimeDefault" or "Localhost")) problems.Add($"{name}: seccompProfile is {seccomp ?? "unset"}");
            if (context?.Capabilities?.Drop?.Contains("ALL") != true) problems.Add($"{name}: capabilities do not drop ALL");
            foreach (var added in (context?.Capabilities?.Add ?? []).Where(c => c != "NET_BIND_SERVICE")) problems.Add($"{name}: adds capability {added}");
            foreach (var port in (container.Ports ?? []).Where(p => p.HostPort is > 0)) problems.Add($"{name}: hostPort {port.HostPort}");
        }
        return problems;
    }

    private static string VolumeType(V1Volume volume) => volume switch
    {
        { ConfigMap: not null } => "configMap",
        { Csi: not null } => "csi",
        { DownwardAPI: not null } => "downwardAPI",
        { EmptyDir: not null } => "emptyDir",
        { Ephemeral: not null } => "ephemeral",
        { PersistentVolumeClaim: not null } => "persistentVolumeClaim",
        { Projected: not null } => "projected",
        { Secret: not null } => "secret",
        { HostPath: not null } => "hostPath",
        _ => "another type",
    };
}
