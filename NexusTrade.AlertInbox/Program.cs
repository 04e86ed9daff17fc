using NexusTrade.AlertInbox;
using NexusTrade.AlertInbox.Html;
using NexusTrade.AlertInbox.Notifications;

// The notification vendors the local Alertmanager delivers to, each over its real protocol: a Slack incoming webhook,
// the PagerDuty Events API v2, plain webhooks and an SMTP server. Everything received is kept in memory and shown
// at /inbox (a page) and /inbox/notifications (JSON).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddAlertInbox();

var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapNotificationInbox();
app.MapNotificationPage();
app.Run();
