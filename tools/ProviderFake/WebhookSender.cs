using System.Net;

namespace Outbound.ProviderFake;

/// <summary>
/// POSTs callbacks and events to the app. A failed delivery (no answer, or not 2xx) is logged and retried a few
/// times with backoff, as the real providers do; it never throws into the caller.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClients, ILogger<WebhookSender> logger)
{
    public const string ClientName = "webhooks";

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    /// <summary>Sends one request built by <paramref name="build"/> (a fresh message per attempt); true once the app answered 2xx.</summary>
    public async Task<bool> DeliverAsync(string what, Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(ClientName);
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                using var request = build();
                using var response = await client.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failure = e.Message;
            }

            if (attempt >= Backoff.Length)
            {
                logger.LogWarning("Giving up on {What} after {Attempts} attempts: {Failure}", what, attempt + 1, failure);
                return false;
            }

            logger.LogInformation("{What} failed ({Failure}); retrying", what, failure);
            await Task.Delay(Backoff[attempt], cancellationToken);
        }
    }

    /// <summary>One attempt, no retry, and the answer handed back: for the inbound simulators.</summary>
    public async Task<(HttpStatusCode? Status, string Body, string? Error)> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, "", e.Message);
        }
    }
}
