using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Load;

/// <summary>
/// Drives <c>POST /v1/outbound-configurations/{id}/send</c>: closed loop (N requests always in flight) to find
/// the peak, or open loop (a fixed request rate, whatever the answers do) to read latency at a given load.
/// Requests go to the tenants in turn, and each tenant's requests to the gateways in turn; a repeated request goes to
/// the next gateway, as a load balancer would send it.
/// </summary>
public sealed class SendLoad(
    IReadOnlyList<HttpClient> gateways, IReadOnlyList<Tenant> tenants, int contactsPerRequest, ContactNumbers numbers, char phase, SendRetry retry)
{
    private int _sequence = -1;

    public SendLoad(HttpClient gateway, IReadOnlyList<Tenant> tenants, int contactsPerRequest, ContactNumbers numbers, char phase)
        : this([gateway], tenants, contactsPerRequest, numbers, phase, SendRetry.BusyOnly)
    {
    }

    public RequestLog Log { get; } = new();

    /// <summary>
    /// Posts CloudEvents batches to <c>POST /v1/events</c> instead of send requests: one event per "contact", whose data
    /// carries the number and the tag the org's trigger maps (<see cref="EventBodies"/>).
    /// </summary>
    public bool Events { get; init; }

    /// <summary>Keeps <paramref name="concurrency"/> requests in flight until <paramref name="stop"/> says so.</summary>
    public Task RunClosedAsync(int concurrency, Func<bool> stop, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop() && !cancellationToken.IsCancellationRequested)
            {
                await SendOneAsync(Stopwatch.GetTimestamp(), cancellationToken);
            }
        }));

    /// <summary>
    /// Starts <paramref name="rate"/> requests a second until <paramref name="until"/>, reaching that rate linearly
    /// over <paramref name="ramp"/> (a fresh silo spends its first seconds compiling hot code; a full rate from the
    /// first second queues requests that the measured window would then pay for). Latency counts from each request's
    /// scheduled start, so a slow answer that delays the next request still shows (no coordinated omission).
    /// </summary>
    public Task RunOpenAsync(double rate, TimeSpan ramp, DateTimeOffset until, int maxInFlight, CancellationToken cancellationToken) =>
        RunOpenAsync(rate, ramp, () => until, maxInFlight, cancellationToken);

    /// <summary>As the other overload, with an end that may move while the load runs (read before each request).</summary>
    public async Task RunOpenAsync(double rate, TimeSpan ramp, Func<DateTimeOffset> until, int maxInFlight, CancellationToken cancellationToken)
    {
        var rampSeconds = ramp.TotalSeconds;
        var rampRequests = rate * rampSeconds / 2;
        // Request i is due when the rate's integral reaches i: t²·rate/(2·ramp) during the ramp, linear after it.
        double DueSeconds(long i) => i < rampRequests ? Math.Sqrt(2 * rampSeconds * i / rate) : rampSeconds + ((i - rampRequests) / rate);

        using var inFlight = new SemaphoreSlim(maxInFlight);
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        for (long i = 0; DateTimeOffset.UtcNow < until() && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = started + (long)(DueSeconds(i) * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            await inFlight.WaitAsync(cancellationToken);
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await SendOneAsync(due, cancellationToken);
                }
                finally
                {
                    inFlight.Release();
                }
            }, cancellationToken));
        }

        await Task.WhenAll(pending);
    }

    private async Task SendOneAsync(long startedAt, CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var tenantIndex = sequence % tenants.Count;
        var tenant = tenants[tenantIndex];
        var body = Events
            ? EventBodies.Create(phase, sequence, contactsPerRequest, numbers)
            : SendBodies.Create(phase, sequence, contactsPerRequest, numbers);
        // As an integrator would: a 503 may follow an accepted request (a timeout), and the key makes the repeat safe.
        var idempotencyKey = Guid.NewGuid().ToString("N");
        var accepted = new bool[contactsPerRequest];
        var status = 0;
        var busyAnswers = 0;
        var failedAttempts = 0;
        string? batchId = null;
        var giveUpAt = Stopwatch.GetTimestamp() + (retry.GiveUpAfter == Timeout.InfiniteTimeSpan ? long.MaxValue / 2 : (long)(retry.GiveUpAfter.TotalSeconds * Stopwatch.Frequency));
        for (var attempt = 0; ; attempt++)
        {
            var gatewayIndex = ((sequence / tenants.Count) + attempt) % gateways.Count;
            var gateway = gateways[gatewayIndex];
            TimeSpan? wait;
            try
            {
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (retry.AttemptTimeout is { } limit)
                {
                    attemptTimeout.CancelAfter(limit);
                }

                using var request = Events
                    ? new HttpRequestMessage(HttpMethod.Post, EventBodies.Path) { Content = EventBodies.Content(body) }
                    : new HttpRequestMessage(HttpMethod.Post, tenant.SendPath) { Content = SendBodies.Content(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                using var response = await gateway.SendAsync(request, attemptTimeout.Token);
                status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    batchId = await ReadAcceptedAsync(response, accepted, attemptTimeout.Token);
                    break;
                }

                // Read it so the connection can be reused.
                await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token);
                var retryAfter = response.Headers.RetryAfter?.Delta;
                Log.AddAttempt(new AttemptAnswer(DateTimeOffset.UtcNow, sequence, status, retryAfter is not null, gatewayIndex));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null)
                {
                    // Admission control or a busy cluster: back off as told, then repeat (the latency includes the wait).
                    busyAnswers++;
                    wait = retryAfter;
                }
                else if (retry.OnFailures && status >= 500)
                {
                    failedAttempts++;
                    wait = retryAfter ?? retry.Pause;
                }
                else
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Timed out or reset: no answer, so nothing counts as accepted unless a repeat settles it (the ledger
                // may still show it: "unacknowledged").
                status = 0;
                failedAttempts++;
                Log.AddAttempt(new AttemptAnswer(DateTimeOffset.UtcNow, sequence, 0, false, gatewayIndex));
                if (!retry.OnFailures)
                {
                    break;
                }

                wait = retry.Pause;
            }

            if (Stopwatch.GetTimestamp() + (long)(wait.Value.TotalSeconds * Stopwatch.Frequency) > giveUpAt)
            {
                break;
            }

            await Task.Delay(wait.Value, cancellationToken);
        }

        Log.Add(new RequestRecord(sequence, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, status, accepted, tenantIndex, batchId)
        {
            BusyAnswers = busyAnswers,
            FailedAttempts = failedAttempts,
        });
    }

    /// <summary>Marks the contacts the 202 accepted and returns the batch part of their message ids.</summary>
    private async Task<string?> ReadAcceptedAsync(HttpResponseMessage response, bool[] accepted, CancellationToken cancellationToken)
    {
        string? batchId = null;
        await using var answer = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(answer, cancellationToken: cancellationToken);
        var i = 0;
        foreach (var result in json.RootElement.GetProperty("results").EnumerateArray())
        {
            // An event is unique to its request, so "duplicate" can only answer a repeat of a request whose first
            // attempt stored it (a 503 from a busy log after others took their events): taken all the same.
            var status = result.GetProperty("status");
            accepted[i++] = status.ValueEquals("accepted"u8) || (Events && status.ValueEquals("duplicate"u8));
            if (batchId is null && result.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId)
            {
                batchId = messageId[..messageId.LastIndexOf('-')];
            }
        }

        return batchId;
    }
}
