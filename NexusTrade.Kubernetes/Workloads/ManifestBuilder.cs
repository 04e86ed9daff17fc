using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Builders shared by every component: metadata, hardened containers and pods, workloads, Services, storage and
/// config objects. Hardening lives here only, so that no workload can be published without it.
/// </summary>
public static class ManifestBuilder
{
    public const string TempVolume = "tmp";

    public static V1ObjectMeta Metadata(string name, string? @namespace, Identity identity) =>
        new() { Name = name, NamespaceProperty = @namespace, Labels = identity.Labels() };

    /// <summary>
    /// Applies the hardening every container gets: non-root, read-only root filesystem, no privilege escalation, no
    /// capabilities, and requests and limits. Writable paths must be volumes (see <see cref="EmptyDir"/>).
    /// </summary>
    public static V1Container Harden(V1Container container, ResourceBudget budget)
    {
        container.ImagePullPolicy = "IfNotPresent";
        container.TerminationMessagePolicy = "FallbackToLogsOnError";
        container.SecurityContext = new V1SecurityContext
        {
            RunAsNonRoot = true,
            ReadOnlyRootFilesystem = true,
            AllowPrivilegeEscalation = false,
            Privileged = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        container.Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(budget.CpuRequest),
                ["memory"] = new(budget.MemoryRequest),
            },
            Limits = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(budget.CpuLimit),
                ["memory"] = new(budget.MemoryLimit),
            },
        };
        return container;
    }

    /// <summary>
    /// The component's hardened container serving HTTP on <paramref name="port"/>: ready on <paramref name="readinessPath"/>,
    /// restarted after six failed checks of <paramref name="livenessPath"/>. The caller adds args, environment and mounts.
    /// </summary>
    public static V1Container HttpContainer(ComponentSpec spec, string? image, V1ContainerPort port, string readinessPath, string livenessPath) =>
        Harden(new V1Container
        {
            Name = spec.Name,
            Image = image,
            Ports = [port],
            ReadinessProbe = HttpProbe(readinessPath, port.Name),
            LivenessProbe = HttpProbe(livenessPath, port.Name, failureThreshold: 6),
        }, spec.Deployment.Budget);

    /// <summary>
    /// A pod template running as <paramref name="user"/> (fsGroup too, so that volumes are writable by it) with the
    /// runtime's default seccomp profile. The API token is mounted only for pods that talk to the API server.
    /// </summary>
    public static V1PodTemplateSpec PodTemplate(Identity identity, RuntimeUser user, IEnumerable<V1Container> containers,
        IEnumerable<V1Volume>? volumes = null, string? serviceAccount = null, IDictionary<string, string>? annotations = null)
    {
        var metadata = new V1ObjectMeta { Labels = identity.Labels() };
        if (annotations is not null) metadata.Annotations = new Dictionary<string, string>(annotations);
        return new V1PodTemplateSpec
        {
            Metadata = metadata,
            Spec = new V1PodSpec
            {
                ServiceAccountName = serviceAccount,
                AutomountServiceAccountToken = serviceAccount is not null,
                // No service-link environment variables: pods find each other through DNS.
                EnableServiceLinks = false,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = user.Uid,
                    RunAsGroup = user.Gid,
                    FsGroup = user.Gid,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Containers = containers.ToList(),
                Volumes = volumes?.ToList() is { Count: > 0 } list ? list : null,
            },
        };
    }

    public static V1Deployment Deployment(Identity identity, V1PodTemplateSpec template, int? replicas = 1, bool recreate = false) => new V1Deployment
    {
        Metadata = identity.Meta(),
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            RevisionHistoryLimit = 3,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            // Recreate: a ReadWriteOnce volume cannot be attached to the old and the new pod at once.
            Strategy = recreate
                ? new V1DeploymentStrategy { Type = "Recreate" }
                : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 } },
            Template = template,
        },
    }.Initialize();

    /// <summary>A single-replica StatefulSet whose data lives on the claims of <paramref name="claims"/> (one PVC per pod).</summary>
    public static V1StatefulSet StatefulSet(Identity identity, V1PodTemplateSpec template, params V1PersistentVolumeClaim[] claims) =>
        StatefulSet(identity, template, replicas: 1, serviceName: identity.Name, claims);

    /// <summary>
    /// A StatefulSet of <paramref name="replicas"/> pods (<c>name-0</c>, <c>name-1</c>, …), each with its own claims,
    /// governed by <paramref name="serviceName"/>. Several replicas start in parallel: peers that look for each other
    /// (Alertmanager's gossip) must not wait for one another to be ready.
    /// </summary>
    public static V1StatefulSet StatefulSet(Identity identity, V1PodTemplateSpec template, int replicas, string serviceName,
        params V1PersistentVolumeClaim[] claims) => new V1StatefulSet
    {
        Metadata = identity.Meta(),
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            PodManagementPolicy = replicas > 1 ? "Parallel" : null,
            RevisionHistoryLimit = 3,
            ServiceName = serviceName,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            Template = template,
            VolumeClaimTemplates = claims.ToList(),
            // Deleting the StatefulSet keeps the data; scaling down too.
            PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" },
        },
    }.Initialize();

    public static V1DaemonSet DaemonSet(Identity identity, V1PodTemplateSpec template) => new V1DaemonSet
    {
        Metadata = identity.Meta(),
        Spec = new V1DaemonSetSpec
        {
            RevisionHistoryLimit = 3,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = "10%" } },
            Template = template,
        },
    }.Initialize();

    /// <summary>A Service whose ports forward to the container ports of the same name.</summary>
    public static V1Service Service(Identity identity, IEnumerable<V1ContainerPort> ports, bool headless = false, IDictionary<string, string>? annotations = null)
    {
        var metadata = identity.Meta();
        if (annotations is not null) metadata.Annotations = new Dictionary<string, string>(annotations);
        return new V1Service
        {
            Metadata = metadata,
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                ClusterIP = headless ? "None" : null,
                Selector = identity.SelectorLabels(),
                Ports = ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.ContainerPort, TargetPort = p.Name, Protocol = p.Protocol ?? "TCP" }).ToList(),
            },
        }.Initialize();
    }

    public static V1ContainerPort Port(string name, int port, string protocol = "TCP") => new() { Name = name, ContainerPort = port, Protocol = protocol };

    public static V1Probe HttpProbe(string path, string port, int periodSeconds = 10, int failureThreshold = 3) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port, Scheme = "HTTP" },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };

    public static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    public static V1EnvVar SecretEnv(string name, SecretKey secret) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret.Secret, Key = secret.Key } },
    };

    /// <summary>
    /// A variable set from the pod's own metadata (<c>metadata.name</c>, <c>status.podIP</c>). The apiVersion the
    /// server would default is written out: fieldRef is atomic, and a server-side apply compares it whole.
    /// </summary>
    public static V1EnvVar PodFieldEnv(string name, string fieldPath) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = fieldPath } },
    };

    /// <summary>
    /// <c>--web.external-url</c> (where people reach the component: <paramref name="configured"/>, else its Service) and
    /// <c>--web.route-prefix=/</c>, so that probes, scrapes and peers keep using / whatever path an ingress adds.
    /// </summary>
    public static IEnumerable<string> ExternalUrlArgs(ComponentSpec spec, V1ContainerPort port, Uri? configured) =>
    [
        $"--web.external-url={configured?.ToString() ?? $"http://{ClusterTopology.ServiceHost(spec.Resource)}:{port.ContainerPort}/"}",
        "--web.route-prefix=/",
    ];

    public static V1VolumeMount Mount(string volume, string path, bool readOnly = true) =>
        new() { Name = volume, MountPath = path, ReadOnlyProperty = readOnly };

    /// <summary>Scratch space for a read-only root filesystem, bounded so that a runaway writer cannot fill the node.</summary>
    public static V1Volume EmptyDir(string name, string sizeLimit = "64Mi", bool inMemory = false) =>
        new() { Name = name, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(sizeLimit), Medium = inMemory ? "Memory" : null } };

    public static V1Volume ConfigMapVolume(string name, string configMap) =>
        new() { Name = name, ConfigMap = new V1ConfigMapVolumeSource { Name = configMap } };

    /// <summary>Secret files readable by the owner and the pod's fsGroup only.</summary>
    public static V1Volume SecretVolume(string name, string secret) =>
        new() { Name = name, Secret = new V1SecretVolumeSource { SecretName = secret, DefaultMode = Convert.ToInt32("0440", 8) } };

    /// <summary>
    /// A StatefulSet's claim template, written as the API server stores it (apiVersion, kind, volumeMode, status): the
    /// list is atomic, so any defaulted field left out would make a server-side apply conflict with an earlier apply.
    /// </summary>
    public static V1PersistentVolumeClaim ClaimTemplate(Identity identity, string name, string size, string? storageClass) => new()
    {
        ApiVersion = "v1",
        Kind = V1PersistentVolumeClaim.KubeKind,
        Metadata = new V1ObjectMeta { Name = name, Labels = identity.Labels() },
        Spec = ClaimSpec(size, storageClass),
        Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" },
    };

    /// <summary>A standalone claim for a Deployment.</summary>
    public static V1PersistentVolumeClaim Claim(Identity identity, string name, string size, string? storageClass) => new V1PersistentVolumeClaim
    {
        Metadata = identity.Meta(name),
        Spec = ClaimSpec(size, storageClass),
    }.Initialize();

    /// <summary>
    /// <paramref name="storageClass"/> (NexusTrade:Kubernetes:StorageClassName), or none: the cluster's default
    /// StorageClass provides the volume, and without one the claim stays Pending.
    /// </summary>
    private static V1PersistentVolumeClaimSpec ClaimSpec(string size, string? storageClass) => new()
    {
        AccessModes = ["ReadWriteOnce"],
        StorageClassName = storageClass,
        VolumeMode = "Filesystem",
        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
    };

    public static V1ConfigMap ConfigMap(Identity identity, string name, IDictionary<string, string> data) => new V1ConfigMap
    {
        Metadata = identity.Meta(name),
        Data = new SortedDictionary<string, string>(data, StringComparer.Ordinal),
    }.Initialize();

    /// <summary>The files of <paramref name="directory"/> matching <paramref name="pattern"/>, by file name, exactly as they are.</summary>
    public static SortedDictionary<string, string> Files(string directory, string pattern)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory)) return files;
        foreach (var path in Directory.EnumerateFiles(directory, pattern))
        {
            files[Path.GetFileName(path)] = File.ReadAllText(path);
        }
        return files;
    }

    public static V1ServiceAccount ServiceAccount(Identity identity) => new V1ServiceAccount
    {
        Metadata = identity.Meta(),
        // Mounted per pod instead (PodTemplate), and only where the API server is called.
        AutomountServiceAccountToken = false,
    }.Initialize();

    /// <summary>A ClusterRole named after the component and the binding that grants it to the component's ServiceAccount.</summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> ClusterAccess(Identity identity, IEnumerable<V1PolicyRule> rules) =>
    [
        new V1ClusterRole { Metadata = identity.ClusterMeta(), Rules = rules.ToList() }.Initialize(),
        new V1ClusterRoleBinding
        {
            Metadata = identity.ClusterMeta(),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = identity.Name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = identity.Name, NamespaceProperty = identity.Namespace }],
        }.Initialize(),
    ];

    public static V1PolicyRule ReadRule(string apiGroup, params string[] resources) =>
        new() { ApiGroups = [apiGroup], Resources = resources, Verbs = ["get", "list", "watch"] };
}
