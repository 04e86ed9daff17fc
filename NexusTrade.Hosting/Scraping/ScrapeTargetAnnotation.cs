using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Hosting;

/// <summary>
/// A Prometheus scrape job on the Prometheus resource: the job name and the endpoint it scrapes. The local stack writes
/// it as a file_sd target; the publisher as a Kubernetes discovery job.
/// </summary>
public sealed record ScrapeTargetAnnotation(string Job, EndpointReference Endpoint) : IResourceAnnotation;
