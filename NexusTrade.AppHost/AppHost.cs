using NexusTrade.AppHost.Components;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

// NexusTrade: the market-data API, its dependencies and the monitoring stack around it.
//
//   clients ──REST/WebSocket──▶ api ──▶ redis (quote cache)
//                                  └──▶ marketfeed-primary ─fail-over─▶ marketfeed-secondary
//   prometheus ──scrapes──▶ api, the simulators, alert-inbox, node-exporter, redis-exporter, alertmanager, itself
//   prometheus ──probes──▶ blackbox-exporter ──GET quote, /health, WebSocket handshake──▶ api (the outside view)
//   prometheus ──alerts──▶ alertmanager ──notifies──▶ alert-inbox (Slack, PagerDuty, e-mail stand-ins)
//   grafana ──queries──▶ prometheus, alertmanager;  alertmanager's notifications ──link──▶ grafana panels
//
// --NexusTrade:HighAvailability=true (host mode): api-0/1, prometheus-0/1 (each scrapes and probes everything and
// alerts every Alertmanager) and alertmanager-0/1/2 gossiping on loopback, as the published manifests run them.
// scripts/catalog.sh: the component catalogue for the scripts (packages, offline images); nothing starts.
if (args is [ComponentCatalog.Command, ..]) return ComponentCatalog.Print(args, Console.Out);

var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.Bind(builder.Configuration, builder.AppHostDirectory);
var runtime = StackRuntime.Resolve(builder, settings);
var topology = LocalTopology.Resolve(builder, settings);

// A wrong setting, a missing package, a taken port, a second AppHost: one line each that says what to do, before
// anything starts.
if (!Preflight.Passes(builder, runtime, topology)) return 1;

// Secrets: generated on first run and kept in user secrets; never in a file of the repository.
// In the cluster each is one key of a Secret that the operator fills in.
var redisPassword = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true)
    .PublishAsKubernetesSecret("redis-auth", "password",
        "Redis AUTH password; the same value in namespaces nexustrade (redis, api) and monitoring (redis-exporter)");
var marketDataApiKey = builder.AddParameter("marketdata-api-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true)
    .PublishAsKubernetesSecret("marketdata-credentials", "api-key",
        "API key of the market-data vendor (Finnhub token); the simulators, when deployed, accept the same key");
var grafanaPassword = builder.AddParameter("grafana-admin-password", new GenerateParameterDefault { MinLength = 20 }, secret: true, persist: true)
    .PublishAsKubernetesSecret("grafana-admin", "admin-password", "password of Grafana's admin user");
// Prometheus and Alertmanager answer only to user "monitoring" with this password (Grafana, Prometheus and people alike).
var monitoringPassword = builder.AddParameter(MonitoringLogin.PasswordParameter, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true)
    .PublishAsKubernetesSecret(MonitoringLogin.Secret, MonitoringLogin.PasswordKey,
        $"password of user {MonitoringLogin.UserName} on Prometheus and Alertmanager; key {MonitoringLogin.WebConfigKey} holds its bcrypt hash (scripts/monitoring-login.sh writes both)");

// Application
var redis = builder.AddQuoteCacheRedis(runtime, redisPassword);
var primary = builder.AddMarketFeed("marketfeed-primary", marketDataApiKey);
var secondary = builder.AddMarketFeed("marketfeed-secondary", marketDataApiKey);
var api = builder.AddApi("api", topology.ApiReplicas, redis, marketDataApiKey, primary, secondary);

// Monitoring
var nodeExporter = builder.AddNodeExporter(runtime);
var redisExporter = builder.AddRedisExporter(runtime, redis, redisPassword);
var blackboxExporter = builder.AddBlackboxExporter(runtime);
var alertInbox = builder.AddAlertInbox("alert-inbox");
var alertmanager = builder.AddAlertmanagers(runtime, topology.AlertmanagerReplicas, alertInbox, monitoringPassword);
var prometheus = builder.AddPrometheus(runtime, topology.PrometheusReplicas, alertmanager, monitoringPassword)
    .WithScrapeTarget("api", api)
    .WithScrapeTarget(primary)
    .WithScrapeTarget(secondary)
    .WithScrapeTarget(alertInbox)
    .WithScrapeTarget(nodeExporter)
    .WithScrapeTarget(redisExporter)
    .WithProbe("quote", blackboxExporter, BlackboxModule.Http2xx, api, "/api/quotes/AAPL")
    .WithProbe("health", blackboxExporter, BlackboxModule.Http2xx, api, "/health")
    .WithProbe("websocket", blackboxExporter, BlackboxModule.WebSocketHandshake, api, "/ws/quotes");
var grafana = builder.AddGrafana(runtime, grafanaPassword, prometheus, alertmanager);
// Every notification links to the dashboard panel that explains its alert (the rules' dashboard_url).
alertmanager.WithDashboardLinks(grafana);

// Publish: plain Kubernetes manifests and a kustomization (aspire publish, or --operation publish).
builder.AddKubernetesManifests(runtime.Images);

builder.Build().Run();
return 0;
