using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The way in for people (<see cref="IngressSettings"/>): an Ingress (networking.k8s.io/v1) to the component's Service
/// on its HTTP port, when its host is set. Prometheus and Alertmanager still ask for the monitoring login behind it,
/// Grafana for its own.
/// </summary>
public static class Ingresses
{
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> For(ComponentSpec spec, PublishContext context, V1ContainerPort port)
    {
        if (context.Options.Ingress is not { } settings || settings.HostOf(spec.Name) is not { } host) yield break;
        var identity = PublishContext.Identity(spec);
        yield return new V1Ingress
        {
            Metadata = identity.Meta(),
            Spec = new V1IngressSpec
            {
                IngressClassName = settings.ClassName,
                Tls = settings.TlsSecretName is { } secret ? [new V1IngressTLS { Hosts = [host], SecretName = secret }] : null,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/",
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend { Name = identity.Name, Port = new V1ServiceBackendPort { Name = port.Name } },
                                    },
                                },
                            ],
                        },
                    },
                ],
            },
        }.Initialize();
    }

    /// <summary>The ingress controller's pods, when <paramref name="spec"/> has an Ingress: its NetworkPolicy admits them.</summary>
    public static IEnumerable<V1NetworkPolicyPeer> ControllerOf(ComponentSpec spec, PublishContext context) =>
        context.Options.Ingress is { } settings && settings.HostOf(spec.Name) is not null
            ? [new V1NetworkPolicyPeer
            {
                NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = settings.ControllerNamespace } },
            }]
            : [];
}
