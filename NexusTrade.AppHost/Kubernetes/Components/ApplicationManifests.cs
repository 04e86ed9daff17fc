using k8s;
using k8s.Models;
using static NexusTrade.AppHost.Kubernetes.ManifestBuilder;

namespace NexusTrade.AppHost.Kubernetes.Components;

/// <summary>The application in namespace nexustrade: the API, its Redis quote cache and, on request, the simulators.</summary>
public static class ApplicationManifests
{
    /// <summary>Kestrel's port in every .NET container (ASPNETCORE_HTTP_PORTS): the model's project ports are dynamic.</summary>
    public const int DotNetHttpPort = 8080;

    private const string HttpPortName = "http";
    private static readonly ResourceBudget ApiBudget = new("100m", "256Mi", "1", "512Mi");
    private static readonly ResourceBudget SimulatorBudget = new("20m", "96Mi", "250m", "256Mi");
    // maxmemory (256mb, from the model) plus room for the AOF rewrite buffers and the process itself.
    private static readonly ResourceBudget RedisBudget = new("50m", "320Mi", "500m", "384Mi");
    private static readonly RuntimeUser RedisUser = new(999, 999);

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Api(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "api");
        var environment = DotNetEnvironment(spec);

        // The provider list keeps the model's names (they are the "provider" metric label of every dashboard and
        // alert); the addresses are the simulators' Services when they are deployed, the vendor's otherwise.
        for (var i = 0; spec.Environment.ContainsKey($"MarketData__Providers__{i}__Name"); i++)
        {
            var provider = AppModelReader.StaticValue(spec.Environment[$"MarketData__Providers__{i}__Name"])!;
            environment.Set($"MarketData__Providers__{i}__BaseUrl",
                context.IsDeployed(provider) ? Topology.ServiceUrl(provider, DotNetHttpPort) : context.Options.ProviderUrl(provider));
        }

        // StackExchange.Redis reads the password from the connection string; Kubernetes expands $(REDIS_PASSWORD)
        // from the variable above it, so the value stays in the Secret and out of the pod spec.
        var redis = Topology.ServiceHost("redis");
        var redisPort = context.Specs["redis"].Port("tcp").TargetPort!.Value;
        environment.SetSecret("REDIS_PASSWORD", SecretCatalog.RedisPassword)
            .Set("ConnectionStrings__redis", $"{redis}:{redisPort},password=$(REDIS_PASSWORD)");

        // Settings from a ConfigMap, credentials from Secrets.
        var settings = new Dictionary<string, string>(environment.Literals.Where(v => !v.Value.Contains("$(")));
        environment.Remove(settings.ContainsKey);
        var config = ConfigMap(identity, $"{spec.Name}-config", settings);

        var port = Port(HttpPortName, DotNetHttpPort);
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = context.Options.ApiImage,
            Ports = [port],
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = config.Metadata.Name } }],
            Env = environment.Build(),
            ReadinessProbe = HttpProbe("/health", HttpPortName),
            LivenessProbe = HttpProbe("/alive", HttpPortName, periodSeconds: 10, failureThreshold: 6),
            VolumeMounts = [Mount(TempVolume, "/tmp", readOnly: false)],
        }, ApiBudget);

        // /metrics is served on the API's own port (ServiceDefaults), so it is as reachable as the API itself: the
        // NetworkPolicy cannot single it out (it works on ports, not paths). Moving it to a port of its own would let
        // the policy admit only Prometheus there; until then, /metrics must carry nothing confidential.
        var scrape = ScrapeAnnotations(DotNetHttpPort);
        var template = PodTemplate(identity, RuntimeUser.DotNetApp, [container], [EmptyDir(TempVolume)], annotations: scrape);
        return
        [
            config,
            Deployment(identity, template, replicas: 2),
            Service(identity, [port], annotations: scrape),
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.AnyPodInCluster()),
        ];
    }

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Redis(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "cache");
        var endpoint = spec.Port("tcp");
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);

        var config = ConfigMap(identity, $"{spec.Name}-config", new Dictionary<string, string> { ["redis.conf"] = RedisConf(spec, port.ContainerPort) });
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // The password goes into a file on a memory volume (printf is a shell builtin): never on a command line,
            // where every process of the node could read it.
            Command = ["sh", "-c", "umask 077 && printf 'requirepass \"%s\"\\n' \"$REDIS_PASSWORD\" > /run/redis/auth.conf && exec redis-server /etc/redis/redis.conf"],
            Env = EnvironmentBuilder.FromModel(spec).Build(),
            Ports = [port],
            ReadinessProbe = new V1Probe
            {
                Exec = new V1ExecAction { Command = ["sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli -p " + port.ContainerPort + " ping | grep -q PONG"] },
                PeriodSeconds = 10,
                TimeoutSeconds = 5,
            },
            LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = port.Name }, PeriodSeconds = 10, FailureThreshold = 6 },
            VolumeMounts =
            [
                Mount("config", "/etc/redis"),
                Mount("auth", "/run/redis", readOnly: false),
                Mount("data", "/data", readOnly: false),
            ],
        }, RedisBudget);

        var template = PodTemplate(identity, RedisUser, [container],
            [ConfigMapVolume("config", config.Metadata.Name), EmptyDir("auth", "1Mi", inMemory: true)]);
        return
        [
            config,
            StatefulSet(identity, template, ClaimTemplate(identity, "data", "5Gi")),
            Service(identity, [port]),
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.PodsOf("api"), NetworkPolicies.PodsOf("redis-exporter")),
        ];
    }

    /// <summary>A vendor or notification simulator (deployed with IncludeSimulators=true only).</summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Simulator(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "simulator");
        var port = Port(HttpPortName, DotNetHttpPort);
        // The inbox's SMTP listener binds to loopback only, so only its HTTP side is published.
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = context.Options.MarketFeedImage,
            Ports = [port],
            Env = DotNetEnvironment(spec).Build(),
            ReadinessProbe = HttpProbe("/health", HttpPortName),
            LivenessProbe = HttpProbe("/alive", HttpPortName, failureThreshold: 6),
            VolumeMounts = [Mount(TempVolume, "/tmp", readOnly: false)],
        }, SimulatorBudget);

        var client = spec.Name == "alert-inbox" ? NetworkPolicies.PodsOf("alertmanager") : NetworkPolicies.PodsOf("api");
        return
        [
            Deployment(identity, PodTemplate(identity, RuntimeUser.DotNetApp, [container], [EmptyDir(TempVolume)])),
            Service(identity, [port]),
            NetworkPolicies.AllowIngress(identity, [port], client),
        ];
    }

    /// <summary>The model's environment of a .NET project, listening on <see cref="DotNetHttpPort"/>.</summary>
    private static EnvironmentBuilder DotNetEnvironment(ComponentSpec spec) => EnvironmentBuilder.FromModel(spec)
        // Ports and service discovery of the local run: in the cluster, Kestrel listens on 8080 and peers are Services.
        .Remove(name => name is "HTTP_PORTS" or "HTTPS_PORTS" or "ASPNETCORE_URLS" || name.StartsWith("services__", StringComparison.Ordinal))
        .Set("ASPNETCORE_HTTP_PORTS", DotNetHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The prometheus.io/* convention, for scrapers that discover by annotation (ours selects by label).</summary>
    private static Dictionary<string, string> ScrapeAnnotations(int port) => new()
    {
        ["prometheus.io/scrape"] = "true",
        ["prometheus.io/port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["prometheus.io/path"] = "/metrics",
    };

    /// <summary>
    /// redis.conf: persistence as on the host runtime, plus the model's own server flags (<c>--maxmemory 256mb</c>
    /// becomes <c>maxmemory 256mb</c>). The model's <c>-c "redis-server ..."</c> is Aspire's shell wrapper, replaced here.
    /// </summary>
    private static string RedisConf(ComponentSpec spec, int port)
    {
        var lines = new List<string>
        {
            "# Generated by the NexusTrade AppHost (aspire publish). The password is in /run/redis/auth.conf, written at start from Secret redis-auth.",
            "bind * -::*",
            $"port {port}",
            "protected-mode yes",
            "dir /data",
            "appendonly yes",
            "save 60 1000",
        };
        var args = spec.StaticArgs.ToList();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "-c") { i++; continue; }
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var values = args.Skip(i + 1).TakeWhile(a => !a.StartsWith('-')).ToList();
            lines.Add(string.Join(' ', [args[i][2..], .. values]));
            i += values.Count;
        }
        lines.Add("include /run/redis/auth.conf");
        return string.Join('\n', lines) + "\n";
    }
}
