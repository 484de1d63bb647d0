using System.Net;

namespace Outbound.Bench;

/// <summary>
/// The one HTTP stack of the load generator. The end-to-end phases and the ceiling use the same handler settings,
/// so the ratio between them is not a difference of client stacks.
/// </summary>
public static class BenchHttp
{
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        // Open-loop bursts must not queue behind a connection limit inside the client.
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        // A stuck request must not hang the run; the drain has its own timeout.
        Timeout = TimeSpan.FromSeconds(60),
    };
}
