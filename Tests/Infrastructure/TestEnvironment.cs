using System.Net;
using System.Net.Sockets;

namespace Outbound.Tests.Infrastructure;

/// <summary>What the end-to-end tests run against: the Azurite that <c>./test.sh</c> starts.</summary>
public static class TestEnvironment
{
    /// <summary>From <c>STORAGE_CONNECTION_STRING</c>, which <c>./test.sh</c> sets; Azurite's default ports otherwise.</summary>
    public static string StorageConnectionString =>
        Environment.GetEnvironmentVariable("STORAGE_CONNECTION_STRING") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
