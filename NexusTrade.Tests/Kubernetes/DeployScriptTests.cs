using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// scripts/deploy-monitoring.sh against the published manifests, with a stub kubectl first on PATH: the stub logs its
/// arguments (one call per line) and answers like a cluster would, so every call the script makes can be checked.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class DeployScriptTests(PublishedManifests published) : IDisposable
{
    /// <summary>The placeholder Secrets the publisher wrote (secrets/), each applied once when missing.</summary>
    private int PlaceholderSecrets => published.Objects.Count(o => o.File.StartsWith("secrets/", StringComparison.Ordinal));

    private const string StubContext = "stub-context";

    private static readonly string Script = RepoPaths.Combine("scripts", "deploy-monitoring.sh");

    /// <summary>Verbs that change a cluster (or hold a connection to one): never run in a dry run.</summary>
    private static readonly string[] ClusterVerbs = ["apply", "create", "delete", "patch", "replace", "rollout", "port-forward", "scale", "label", "annotate", "edit"];

    private static readonly string[] Workloads =
    [
        "monitoring statefulset/prometheus", "monitoring statefulset/alertmanager", "monitoring deployment/grafana",
        "monitoring daemonset/node-exporter", "monitoring deployment/kube-state-metrics", "monitoring deployment/redis-exporter",
        "nexustrade deployment/api", "nexustrade statefulset/redis",
    ];

    private readonly string _stubDirectory = Directory.CreateTempSubdirectory("nexustrade-kubectl-stub-").FullName;

    private string Log => Path.Combine(_stubDirectory, "kubectl.log");

    [Fact]
    public async Task Dry_run_prints_every_command_and_changes_nothing()
    {
        var (exitCode, output) = await RunAsync("--dry-run", "--manifests", published.Directory);

        Assert.True(exitCode == 0, output);
        Assert.All(Calls(), call => Assert.DoesNotContain(call.Split(' ')[0], ClusterVerbs));
        Assert.Contains($"kubectl context: {StubContext}", output);
        // One apply mode throughout: server-side, one field manager (a later server-side apply never conflicts with a client-side one).
        Assert.Contains($"+ kubectl apply --server-side --field-manager=nexustrade-deploy -f {published.Directory}/namespaces.yaml", output);
        Assert.Contains($"+ kubectl apply --server-side --field-manager=nexustrade-deploy -k {published.Directory}", output);
        Assert.Contains($"+ kubectl get secret -n nexustrade redis-auth || kubectl apply --server-side --field-manager=nexustrade-deploy -f {published.Directory}/secrets/nexustrade-redis-auth.yaml", output);
        Assert.DoesNotMatch(@"kubectl( --context \S+)? apply (?!--server-side --field-manager=nexustrade-deploy )", output);
        Assert.All(Workloads, workload =>
        {
            var (ns, name) = (workload.Split(' ')[0], workload.Split(' ')[1]);
            Assert.Contains($"+ kubectl rollout status -n {ns} {name} --timeout=5m", output);
        });
        Assert.Contains("+ kubectl port-forward -n monitoring svc/grafana 3000:3000", output);
        Assert.Contains("+ kubectl port-forward -n monitoring svc/prometheus 9090:9090", output);
        Assert.Contains("+ kubectl port-forward -n monitoring svc/alertmanager 9093:9093", output);
    }

    [Fact]
    public async Task Dry_run_with_publish_prints_the_publish_command()
    {
        var target = Path.Combine(_stubDirectory, "not-yet-published");
        var (exitCode, output) = await RunAsync("--dry-run", "--publish", "--manifests", target);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"+ dotnet run --project {RepoPaths.Combine("NexusTrade.AppHost")} -- --operation publish --step publish --output-path {target}", output);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task A_run_creates_namespaces_and_missing_secrets_applies_and_waits_for_every_rollout()
    {
        var (exitCode, output) = await RunAsync("--context", "test-cluster", "--no-port-forward", "--timeout", "90s", "--allow-placeholders", "--manifests", published.Directory);

        Assert.True(exitCode == 0, output);
        var calls = Calls();
        Assert.Contains($"--context test-cluster apply --server-side --field-manager=nexustrade-deploy -f {published.Directory}/namespaces.yaml", calls);
        Assert.Equal(PlaceholderSecrets, calls.Count(c => c.StartsWith("--context test-cluster apply --server-side --field-manager=nexustrade-deploy -f ", StringComparison.Ordinal) && c.Contains("/secrets/", StringComparison.Ordinal)));
        Assert.Contains($"--context test-cluster apply --server-side --field-manager=nexustrade-deploy -k {published.Directory}", calls);
        Assert.All(calls.Where(c => c.Contains(" apply ", StringComparison.Ordinal)), c => Assert.Contains(" apply --server-side --field-manager=nexustrade-deploy ", c));
        Assert.All(Workloads, workload =>
        {
            var (ns, name) = (workload.Split(' ')[0], workload.Split(' ')[1]);
            Assert.Contains($"--context test-cluster rollout status -n {ns} {name} --timeout=90s", calls);
        });
        Assert.DoesNotContain(calls, c => c.Contains("port-forward", StringComparison.Ordinal));
        // Every cluster call goes to the chosen context; namespaces exist before anything is put into them.
        Assert.All(calls.Where(c => !c.StartsWith("config ", StringComparison.Ordinal)), c => Assert.StartsWith("--context test-cluster ", c));
        Assert.True(calls.FindIndex(c => c.Contains("namespaces.yaml", StringComparison.Ordinal)) < calls.FindIndex(c => c.Contains("/secrets/", StringComparison.Ordinal)));
        Assert.True(calls.FindLastIndex(c => c.Contains("/secrets/", StringComparison.Ordinal)) < calls.FindIndex(c => c.Contains(" -k ", StringComparison.Ordinal)));
        Assert.True(calls.FindIndex(c => c.Contains(" -k ", StringComparison.Ordinal)) < calls.FindIndex(c => c.Contains("rollout status", StringComparison.Ordinal)));
        Assert.Contains("placeholder values (REPLACE_ME)", output);
    }

    [Fact]
    public async Task A_first_run_creates_the_placeholder_secrets_then_refuses_to_apply_and_names_the_commands_that_fill_them()
    {
        var (exitCode, output) = await RunAsync("--no-port-forward", "--manifests", published.Directory);

        Assert.True(exitCode != 0, output);
        var calls = Calls();
        Assert.Equal(PlaceholderSecrets, calls.Count(c => c.StartsWith("apply --server-side --field-manager=nexustrade-deploy -f ", StringComparison.Ordinal) && c.Contains("/secrets/", StringComparison.Ordinal)));
        Assert.DoesNotContain(calls, c => c.Contains(" -k ", StringComparison.Ordinal) || c.StartsWith("rollout", StringComparison.Ordinal));
        Assert.Contains("Secrets still hold placeholder values (REPLACE_ME); nothing else was applied", output);
        Assert.Contains("kubectl create secret generic grafana-admin -n monitoring --from-file=admin-password=./admin-password --dry-run=client -o yaml | kubectl apply --server-side --field-manager=nexustrade-deploy -f -", output);
        Assert.Contains("kubectl create secret generic redis-auth -n nexustrade --from-file=password=./password", output);
        // The monitoring login's hash is written by a script, into a directory of its own (./password is redis-auth's too).
        Assert.Contains("scripts/monitoring-login.sh \"$(mktemp -d)\"   (writes both keys of monitoring-auth", output);
        Assert.DoesNotContain("kubectl create secret generic monitoring-auth", output);
        Assert.Contains("kubectl create secret generic alertmanager-secrets -n monitoring --from-file=slack-webhook-url=./slack-webhook-url " +
            "--from-file=pagerduty-routing-key=./pagerduty-routing-key --from-file=smtp-password=./smtp-password --from-file=deadmansswitch-url=./deadmansswitch-url", output);
    }

    [Fact]
    public async Task An_existing_secret_with_a_placeholder_left_stops_the_deploy_before_anything_is_applied()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string>
            {
                ["KUBECTL_STUB_SECRETS_EXIST"] = "true",
                // As kubectl prints .data: base64 values, here one real and one still REPLACE_ME.
                ["KUBECTL_STUB_SECRET_DATA"] = """{"admin-password":"UkVQTEFDRV9NRQ==","other":"c2VjcmV0LXZhbHVl"}""",
            },
            "--no-port-forward", "--manifests", published.Directory);

        Assert.True(exitCode != 0, output);
        Assert.Contains("kubectl create secret generic grafana-admin -n monitoring --from-file=admin-password=./admin-password --dry-run=client", output);
        Assert.DoesNotContain("--from-file=other=", output);
        Assert.DoesNotContain(Calls(), c => c.Contains(" -k ", StringComparison.Ordinal) || c.Contains("/secrets/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Re_running_keeps_secrets_that_already_exist()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true" },
            "--no-port-forward", "--manifests", published.Directory);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain(Calls(), c => c.Contains(" -f ", StringComparison.Ordinal) && c.Contains("/secrets/", StringComparison.Ordinal));
        Assert.Contains("Secret nexustrade/redis-auth exists: kept as it is", output);
        Assert.Contains($"apply --server-side --field-manager=nexustrade-deploy -k {published.Directory}", Calls());
    }

    [Fact]
    public async Task A_cluster_without_a_default_storage_class_is_warned_of_before_applying()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true", ["KUBECTL_STUB_DEFAULT_STORAGE_CLASS"] = "" },
            "--no-port-forward", "--manifests", published.Directory);

        Assert.True(exitCode == 0, output);
        Assert.Contains("the cluster has no default StorageClass and the manifests name none", output);
        Assert.Contains("--NexusTrade:Kubernetes:StorageClassName=NAME", output);
        var calls = Calls();
        Assert.True(calls.FindIndex(c => c.StartsWith("get storageclass", StringComparison.Ordinal)) < calls.FindIndex(c => c.Contains(" -k ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_default_storage_class_or_a_named_one_needs_no_warning()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true" }, "--no-port-forward", "--manifests", published.Directory);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("StorageClass", output);

        var named = Path.Combine(_stubDirectory, "named-class");
        await PublishedManifests.PublishAsync(named, "--NexusTrade:Kubernetes:StorageClassName=standard");
        (exitCode, output) = await RunAsync(new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true", ["KUBECTL_STUB_DEFAULT_STORAGE_CLASS"] = "" },
            "--no-port-forward", "--manifests", named);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("StorageClass", output);
    }

    [Fact]
    public async Task An_autoscaler_on_a_cluster_without_the_metrics_api_is_warned_of()
    {
        var autoscaled = Path.Combine(_stubDirectory, "autoscaled");
        await PublishedManifests.PublishAsync(autoscaled, "--NexusTrade:Kubernetes:Autoscaling=cpu");
        var environment = new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true", ["KUBECTL_STUB_METRICS_API"] = "false" };

        var (exitCode, output) = await RunAsync(environment, "--no-port-forward", "--manifests", autoscaled);
        Assert.True(exitCode == 0, output);
        Assert.Contains("the cluster serves no resource metrics API (metrics.k8s.io)", output);

        // Without an HPA in the manifests the metrics API is not needed, and not asked for.
        File.Delete(Log);
        (exitCode, output) = await RunAsync(environment, "--no-port-forward", "--manifests", published.Directory);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("metrics API", output);
        Assert.DoesNotContain(Calls(), c => c.Contains("metrics.k8s.io", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operator_mode_stops_with_one_line_naming_the_missing_crds()
    {
        var manifests = Path.Combine(_stubDirectory, "operator");
        await PublishedManifests.PublishAsync(manifests, OperatorManifests.Settings);
        var environment = new Dictionary<string, string> { ["KUBECTL_STUB_SECRETS_EXIST"] = "true", ["KUBECTL_STUB_CRDS"] = "servicemonitors.monitoring.coreos.com" };

        var (exitCode, output) = await RunAsync(environment, "--mode", "operator", "--no-port-forward", "--manifests", manifests);

        Assert.True(exitCode != 0, output);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("Prometheus Operator CRDs", StringComparison.Ordinal));
        Assert.Contains("probes.monitoring.coreos.com prometheusrules.monitoring.coreos.com", line);
        Assert.DoesNotContain("servicemonitors", line);
        Assert.DoesNotContain(Calls(), c => c.Contains(" apply ", StringComparison.Ordinal));

        // With the CRDs in place it applies, waits for the application's rollouts and forwards nothing (the chart's Grafana shows the dashboards).
        File.Delete(Log);
        environment.Remove("KUBECTL_STUB_CRDS");
        (exitCode, output) = await RunAsync(environment, "--mode", "operator", "--manifests", manifests);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"apply --server-side --field-manager=nexustrade-deploy -k {manifests}", Calls());
        Assert.Contains("rollout status -n monitoring deployment/redis-exporter --timeout=5m", Calls());
        Assert.DoesNotContain(Calls(), c => c.Contains("statefulset/prometheus", StringComparison.Ordinal) || c.Contains("port-forward", StringComparison.Ordinal));
        Assert.Contains("folder NexusTrade", output);
    }

    [Fact]
    public async Task Help_prints_usage_and_succeeds()
    {
        var (exitCode, output) = await RunAsync("--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("Usage: scripts/deploy-monitoring.sh", output);
        Assert.Contains("--dry-run", output);
        Assert.Empty(Calls());
    }

    [Fact]
    public async Task An_unknown_option_fails()
    {
        var (exitCode, output) = await RunAsync("--frobnicate");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("unknown option '--frobnicate'", output);
        Assert.Empty(Calls());
    }

    [Fact]
    public async Task Missing_manifests_fail_with_a_hint()
    {
        var (exitCode, output) = await RunAsync("--no-port-forward", "--manifests", Path.Combine(_stubDirectory, "nothing-here"));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("publish first", output);
        Assert.DoesNotContain(Calls(), c => c.Contains("apply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_script_is_shellcheck_clean()
    {
        var (exitCode, output) = await ToolRunner.RunAsync("shellcheck", [Script], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, output);
    }

    public void Dispose() => Directory.Delete(_stubDirectory, recursive: true);

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    private async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        var stub = Path.Combine(_stubDirectory, "kubectl");
        await File.WriteAllTextAsync(stub, StubScript);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        environment["PATH"] = _stubDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        environment["KUBECTL_STUB_LOG"] = Log;
        return await ToolRunner.RunAsync("bash", [Script, .. args], TimeSpan.FromMinutes(1), environment: environment);
    }

    private List<string> Calls() => File.Exists(Log) ? [.. File.ReadAllLines(Log)] : [];

    /// <summary>
    /// A kubectl that answers like a reachable cluster where nothing is deployed yet (KUBECTL_STUB_SECRETS_EXIST=true: the
    /// Secrets exist, filled unless KUBECTL_STUB_SECRET_DATA says otherwise), with a default StorageClass and a metrics
    /// API unless KUBECTL_STUB_DEFAULT_STORAGE_CLASS is empty or KUBECTL_STUB_METRICS_API=false.
    /// </summary>
    private const string StubScript = $$"""
        #!/usr/bin/env bash
        printf '%s\n' "$*" >> "$KUBECTL_STUB_LOG"
        filled='{"password":"c2VjcmV0LXZhbHVl"}'
        case " $* " in
          *" config current-context "*) echo {{StubContext}} ;;
          *" config get-contexts "*) printf 'CURRENT   NAME\n*         %s\n' "${@: -1}" ;;
          *" create namespace "*) printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: stub\n' ;;
          *" get crd "*)
            crd=${@: -1}
            case " ${KUBECTL_STUB_CRDS-servicemonitors.monitoring.coreos.com probes.monitoring.coreos.com prometheusrules.monitoring.coreos.com} " in
              *" $crd "*) echo "$crd" ;;
              *) echo "Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io \"$crd\" not found" >&2; exit 1 ;;
            esac ;;
          *" get storageclass "*) printf '%s\n' "${KUBECTL_STUB_DEFAULT_STORAGE_CLASS-true}" ;;
          *" get --raw /apis/metrics.k8s.io/v1beta1 "*)
            if [ "${KUBECTL_STUB_METRICS_API:-true}" = true ]; then echo '{"kind":"APIResourceList"}'; else echo 'Error from server (NotFound): the server could not find the requested resource' >&2; exit 1; fi ;;
          *" get secret "*" jsonpath={.data} "*) printf '%s' "${KUBECTL_STUB_SECRET_DATA:-$filled}" ;;
          *" get secret "*)
            if [ "${KUBECTL_STUB_SECRETS_EXIST:-false}" = true ]; then echo "secret found"; else echo 'Error from server (NotFound): secrets not found' >&2; exit 1; fi ;;
          *" rollout status "*) echo "successfully rolled out" ;;
          *" apply "*) echo "configured" ;;
        esac
        """;
}
