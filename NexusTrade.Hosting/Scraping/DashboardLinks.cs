using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Hosting;

/// <summary>
/// The Grafana an Alertmanager's notifications link into: alert rules carry the panel's path in their
/// <c>dashboard_url</c> annotation, the templates prefix it with <c>nexustrade.grafana_url</c>, defined in
/// <c>prometheus/templates/grafana-url.tmpl</c>, which each runtime replaces with <see cref="TemplateFile"/>.
/// </summary>
public sealed record DashboardLinkAnnotation(EndpointReference Grafana) : IResourceAnnotation;

public static class DashboardLinks
{
    public const string TemplateFileName = "grafana-url.tmpl";

    /// <summary>The template file that defines <c>nexustrade.grafana_url</c> as <paramref name="grafanaUrl"/> (no trailing slash; empty: relative links).</summary>
    public static string TemplateFile(string grafanaUrl) =>
        "{{/* Generated: the Grafana of this runtime, prefixed to every alert's dashboard_url (see prometheus/templates/grafana-url.tmpl). */}}\n" +
        $"{{{{ define \"nexustrade.grafana_url\" }}}}{grafanaUrl.TrimEnd('/')}{{{{ end }}}}\n";

    /// <summary>Notifications of <paramref name="alertmanager"/> link into the dashboards of <paramref name="grafana"/>.</summary>
    public static IResourceBuilder<T> WithDashboardLinks<T>(this IResourceBuilder<T> alertmanager, IResourceBuilder<IResourceWithEndpoints>? grafana)
        where T : IResource =>
        grafana is null ? alertmanager : alertmanager.WithAnnotation(new DashboardLinkAnnotation(grafana.Resource.GetEndpoint(EndpointNames.Http)));

    /// <summary>The Grafana the resource's notifications link into, if any.</summary>
    public static EndpointReference? DashboardLinkTarget(this IResource alertmanager) =>
        alertmanager.Annotations.OfType<DashboardLinkAnnotation>().LastOrDefault()?.Grafana;
}
