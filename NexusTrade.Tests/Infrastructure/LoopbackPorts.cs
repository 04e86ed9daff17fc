using System.Net;
using System.Net.Sockets;

namespace NexusTrade.Tests.Infrastructure;

/// <summary>Ports for servers that tests start on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the system's choice).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
