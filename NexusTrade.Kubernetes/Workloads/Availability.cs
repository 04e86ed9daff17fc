using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// What every multi-replica workload gets, so that one node drain or one crash never takes all of its pods: spread
/// across nodes, a PodDisruptionBudget, and (the API) an autoscaler.
/// </summary>
public static class Availability
{
    public const string HostnameTopologyKey = "kubernetes.io/hostname";

    /// <summary>
    /// Spreads the pods over nodes (at most one more on any node than on another). ScheduleAnyway: on a cluster with
    /// fewer nodes than replicas the pods still start, side by side, instead of staying Pending.
    /// </summary>
    public static V1PodTemplateSpec SpreadAcrossNodes(this V1PodTemplateSpec template, Identity identity)
    {
        template.Spec.TopologySpreadConstraints =
        [
            new V1TopologySpreadConstraint
            {
                MaxSkew = 1,
                TopologyKey = HostnameTopologyKey,
                WhenUnsatisfiable = "ScheduleAnyway",
                LabelSelector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            },
        ];
        return template;
    }

    /// <summary>Voluntary disruptions (drains, upgrades) take at most one pod of the component at a time.</summary>
    public static V1PodDisruptionBudget DisruptionBudget(Identity identity) => new V1PodDisruptionBudget
    {
        Metadata = identity.Meta(),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
        },
    }.Initialize();

    /// <summary>Scales the Deployment between <paramref name="min"/> and <paramref name="max"/> pods on their mean CPU use.</summary>
    public static V2HorizontalPodAutoscaler CpuAutoscaler(Identity identity, int min, int max, int utilizationPercent) => new V2HorizontalPodAutoscaler
    {
        Metadata = identity.Meta(),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = V1Deployment.KubeKind, Name = identity.Name },
            MinReplicas = min,
            MaxReplicas = max,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = utilizationPercent },
                    },
                },
            ],
        },
    }.Initialize();
}
