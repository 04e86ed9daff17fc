using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The dashboards for the operator stack's Grafana: a ConfigMap each in its namespace (Operator:Namespace), labelled for
/// its dashboard sidecar and annotated with the folder. Their datasource variable defaults to uid <c>prometheus</c>,
/// the uid kube-prometheus-stack gives its Prometheus datasource, so they are the repository's files unchanged.
/// </summary>
public static class OperatorDashboards
{
    /// <summary>The label kube-prometheus-stack's Grafana sidecar loads dashboards by (grafana.sidecar.dashboards.label and labelValue).</summary>
    public const string SidecarLabel = "grafana_dashboard";

    public const string SidecarLabelValue = "1";

    /// <summary>The sidecar's folder annotation (grafana.sidecar.dashboards.folderAnnotation, set as the README says).</summary>
    public const string FolderAnnotation = "grafana_folder";

    public const string Folder = "NexusTrade";

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(PublishContext context, string grafanaDirectory)
    {
        var identity = new Identity("nexustrade-dashboards", context.Options.Operator.Namespace, "dashboards");
        foreach (var dashboard in GrafanaWorkload.DashboardConfigMaps(identity, grafanaDirectory, "nexustrade-dashboard-"))
        {
            dashboard.Metadata.Labels[SidecarLabel] = SidecarLabelValue;
            dashboard.Metadata.Annotations = new Dictionary<string, string> { [FolderAnnotation] = Folder };
            yield return dashboard;
        }
    }
}
