using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NexusTrade.AppHost.Components;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>Healthy when the host Redis answers AUTH and PING over RESP (a listening port alone is not enough).</summary>
public sealed class RedisPingHealthCheck(RedisServerResource redis) : IHealthCheck
{
    public static string Register(IDistributedApplicationBuilder builder, RedisServerResource redis)
    {
        var key = $"{redis.Name}-ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => new RedisPingHealthCheck(redis), null, null));
        return key;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.PrimaryEndpoint.IsAllocated) return HealthCheckResult.Unhealthy("Endpoint not allocated yet.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", redis.PrimaryEndpoint.Port, timeout.Token);
            var stream = client.GetStream();
            var password = await redis.Password.GetValueAsync(timeout.Token) ?? "";
            var command = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command), timeout.Token);
            var reply = new StringBuilder();
            var buffer = new byte[256];
            while (!reply.ToString().Contains("PONG") && !reply.ToString().Contains("-ERR") && !reply.ToString().Contains("-WRONGPASS"))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
            return reply.ToString().Contains("+PONG")
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Redis answered '{reply.ToString().Trim()}'.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer PING.", ex);
        }
    }
}
