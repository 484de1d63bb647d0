using System.Net;
using System.Net.Sockets;

namespace Outbound.Chaos.Stack;

/// <summary>Ports the kernel hands out as free right now, so a run never collides with the tests, the bench or another run.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts TCP connections on the port.</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, Func<bool> gaveUp, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTimeOffset.UtcNow < deadline && !gaveUp())
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
