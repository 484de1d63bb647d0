using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Load;
using Outbound.Chaos.Setup;

namespace Outbound.Chaos.Measure;

/// <summary>A message as <c>GET /v1/messages/{id}</c> tells it.</summary>
public sealed record MessageState(string Status, string? ErrorCode, string? ErrorMessage, bool Ambiguous, int Attempts)
{
    /// <summary>What the API answers for an id it does not know: the accepted message's state is gone.</summary>
    public const string NotFound = "not-found";

    /// <summary>Statuses that never change again; <c>accepted</c>, <c>sending</c> and <c>sent</c> still will.</summary>
    public bool IsFinal => Status is "delivered" or "undelivered" or "failed" or "read" or "unknown" or NotFound;

    /// <summary>Ended without reaching the customer, and the message says why: the promise's other way to end.</summary>
    public bool IsRecordedFailure => Status is "failed" or "unknown" && (ErrorCode ?? ErrorMessage) is { Length: > 0 };
}

/// <summary>
/// Reads the accepted messages' statuses until every one is final. A message id names its batch, and a batch's
/// messages settle together, so each round asks a batch's open messages in order and stops at the first still open:
/// a round costs one GET per open batch plus one per message that settled since, not one per message. The last round
/// before the deadline asks every open message, so what is still not final is counted exactly.
/// </summary>
public sealed class StatusSweep(IReadOnlyList<HttpClient> gateways, IReadOnlyList<Target> targets, TextWriter log)
{
    private const int Parallelism = 8;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(int Sequence, int Index), MessageState> _states = new();
    private int _next;

    public MessageState? Of(RequestRecord request, int index) => _states.GetValueOrDefault((request.Sequence, index));

    /// <returns>Seconds until every message was final, or the whole <paramref name="timeout"/>.</returns>
    public async Task<double> RunAsync(RequestLog requests, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var open = requests.Records
            .Where(r => r.BatchId is not null && r.AcceptedCount > 0)
            .Select(r => new OpenBatch(r, [.. Enumerable.Range(0, r.Accepted.Length).Where(i => r.Accepted[i])]))
            .ToList();
        while (open.Count > 0)
        {
            var last = Stopwatch.GetElapsedTime(started) >= timeout;
            await RoundAsync(open, exhaustive: last, cancellationToken);
            open.RemoveAll(b => b.Indexes.Count == 0);
            var waiting = open.Sum(b => b.Indexes.Count);
            log.WriteLine($"  statuses after {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s: {_states.Values.Count(s => s.IsFinal):N0} final, "
                + $"{waiting:N0}{(last ? "" : " or fewer")} not yet, in {open.Count:N0} requests");
            if (last || open.Count == 0)
            {
                break;
            }

            var pause = TimeSpan.FromTicks(Math.Min(interval.Ticks, (timeout - Stopwatch.GetElapsedTime(started)).Ticks));
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private Task RoundAsync(List<OpenBatch> open, bool exhaustive, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            for (var k = 0; k < batch.Indexes.Count;)
            {
                var index = batch.Indexes[k];
                var state = await FetchAsync(batch.Request, index, token);
                if (state is not null)
                {
                    _states[(batch.Request.Sequence, index)] = state;
                }

                if (state?.IsFinal == true)
                {
                    batch.Indexes.RemoveAt(k);
                }
                else if (exhaustive)
                {
                    k++;
                }
                else
                {
                    break;
                }
            }
        });

    /// <returns>The state, or null when the API could not be asked (it is asked again next round).</returns>
    private async Task<MessageState?> FetchAsync(RequestRecord request, int index, CancellationToken cancellationToken)
    {
        var gateway = gateways[(int)((uint)Interlocked.Increment(ref _next) % gateways.Count)];
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/v1/messages/{request.MessageId(index)}");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", targets[request.Tenant].Tenant.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await gateway.SendAsync(get, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new MessageState(MessageState.NotFound, null, null, false, 0);
            }

            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            var m = json.RootElement;
            return new MessageState(
                m.GetProperty("status").GetString()!,
                m.TryGetProperty("errorCode", out var code) ? code.GetString() : null,
                m.TryGetProperty("errorMessage", out var message) ? message.GetString() : null,
                m.TryGetProperty("ambiguous", out var ambiguous) && ambiguous.GetBoolean(),
                m.TryGetProperty("attempts", out var attempts) ? attempts.GetInt32() : 0);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private sealed record OpenBatch(RequestRecord Request, List<int> Indexes);
}
