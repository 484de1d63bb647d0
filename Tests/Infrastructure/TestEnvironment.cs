using System.Net;
using System.Net.Sockets;

namespace Outbound.Tests.Infrastructure;

/// <summary>What the end-to-end tests run against: the Azurite that <c>./test.sh</c> starts.</summary>
public static class TestEnvironment
{
    /// <summary>The trait of the integration layer: <c>[Trait(Category, Integration)]</c> on a test class.</summary>
    public const string Category = "Category";

    /// <inheritdoc cref="Category"/>
    public const string Integration = "Integration";

    /// <summary>
    /// Set (<c>TEST_UNIT_LAYER_ONLY=1</c>) by <c>./test.sh --fast</c>, which starts no Azurite: whatever needs it, or
    /// starts a process, then fails at once and says which trait the test lacks.
    /// </summary>
    public static bool UnitLayerOnly => Environment.GetEnvironmentVariable("TEST_UNIT_LAYER_ONLY") == "1";

    /// <summary>From <c>STORAGE_CONNECTION_STRING</c>, which <c>./test.sh</c> sets; Azurite's default ports otherwise.</summary>
    public static string StorageConnectionString
    {
        get
        {
            RequireIntegrationLayer("needs Azurite");
            return Environment.GetEnvironmentVariable("STORAGE_CONNECTION_STRING") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        }
    }

    /// <summary>Fails in the unit layer: <paramref name="what"/> (needs Azurite, starts a process) is the integration layer's.</summary>
    public static void RequireIntegrationLayer(string what)
    {
        if (UnitLayerOnly)
        {
            throw new InvalidOperationException(
                $"This test {what}, which the unit layer (./test.sh --fast) does not have: give its class [Trait(\"{Category}\", \"{Integration}\")].");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
