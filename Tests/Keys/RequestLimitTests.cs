using System.Net;
using System.Net.Sockets;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Keys;

/// <summary>Gateways with low limits: 5 reads a minute per org, 3 keys that are not valid a minute per client address.</summary>
public sealed class LimitedSystem : OutboundSystem
{
    public const int ReadsPerMinute = 5;
    public const int FailuresPerMinute = 3;

    protected override (string Key, object? Value)[] GatewaySettings =>
        [("READ_RATE_LIMIT_PER_MINUTE", ReadsPerMinute), ("FAILED_AUTH_LIMIT_PER_MINUTE", FailuresPerMinute)];
}

/// <summary>
/// Bounded work per caller: an org's reads are limited per minute, and a client that keeps presenting keys that
/// are not valid is refused for the rest of the minute; both answer 429 with Retry-After and hold back no one else.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RequestLimitTests(LimitedSystem system) : IClassFixture<LimitedSystem>
{
    [Fact]
    public async Task An_org_past_its_reads_per_minute_gets_429_with_retry_after_and_another_org_does_not()
    {
        var org = await system.CreateOrgAsync();
        var other = await system.CreateOrgAsync();

        for (var i = 0; i < LimitedSystem.ReadsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await org.Http.GetAsync("/v1/org")).StatusCode);
        }

        var refused = await org.Http.GetAsync("/v1/channels");
        await refused.Json(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync("/v1/org")).StatusCode);
    }

    [Fact]
    public async Task A_client_presenting_keys_that_are_not_valid_is_refused_with_429_and_other_clients_are_not()
    {
        var org = await system.CreateOrgAsync();
        using var attacker = From(IPAddress.Parse("127.0.0.2"), $"sk_{org.OrgId:N}_{Guid.NewGuid():N}_guess");

        for (var i = 0; i < LimitedSystem.FailuresPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("/v1/org")).StatusCode);
        }

        var refused = await attacker.GetAsync("/v1/org");
        await refused.Json(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        using var genuineFromThere = From(IPAddress.Parse("127.0.0.2"), org.ApiKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await genuineFromThere.GetAsync("/v1/org")).StatusCode);
        using var elsewhere = From(IPAddress.Parse("127.0.0.3"), org.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/v1/org")).StatusCode);
    }

    /// <summary>A client whose connections come from <paramref name="local"/>, another address on the loopback network.</summary>
    private HttpClient From(IPAddress local, string key)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = system.GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }
}
