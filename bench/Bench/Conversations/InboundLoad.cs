using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Outbound.Bench.Load;

namespace Outbound.Bench.Conversations;

/// <summary>One webhook: its customer, when it was due (open loop) or sent, and its answer.</summary>
/// <param name="StartTicks">Stopwatch ticks: when it was scheduled (open loop) or sent (closed loop).</param>
/// <param name="Status">The HTTP status; 0: no answer (timeout, connection error).</param>
public sealed record WebhookRecord(string Customer, long StartTicks, long AnsweredTicks, DateTimeOffset AnsweredAt, int Status);

/// <summary>
/// Customers' messages as Twilio delivers them: a form POST to the channel's <c>inboundWebhookUrl</c>, signed with
/// its auth token (X-Twilio-Signature), every one from a new customer. The bench signs them itself, so the
/// provider fake is not part of what is measured.
/// </summary>
public sealed class InboundLoad(HttpClient gateway, IReadOnlyList<InboundTenant> tenants, BenchOptions options, ContactNumbers numbers)
{
    private readonly ConcurrentQueue<WebhookRecord> _records = new();
    private long _next = -1;
    private long _answered;

    public IReadOnlyCollection<WebhookRecord> Records => _records;

    /// <summary>Webhooks answered 200 so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    public long Sent => _records.Count;

    public async Task RunClosedAsync(int concurrency, Func<bool> stop, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (!stop() && !cancellationToken.IsCancellationRequested)
            {
                await SendAsync(Stopwatch.GetTimestamp(), cancellationToken);
            }
        }));

    /// <summary>
    /// <paramref name="rate"/> webhooks per second until <paramref name="until"/>, ramping up linearly over
    /// <paramref name="rampUp"/>. Each counts from its scheduled start, so a slow answer that delays later webhooks
    /// still shows (no coordinated omission).
    /// </summary>
    public async Task RunOpenAsync(double rate, TimeSpan rampUp, DateTimeOffset until, int maxInFlight, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxInFlight);
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var ramp = rampUp.TotalSeconds;
        var inRamp = rate * ramp / 2;
        for (long k = 1; DateTimeOffset.UtcNow < until && !cancellationToken.IsCancellationRequested; k++)
        {
            // The k-th webhook is due when the ramped rate's integral reaches k: rate·t²/(2·ramp), then rate·t.
            var due = k < inRamp ? Math.Sqrt(2 * ramp * k / rate) : ramp + ((k - inRamp) / rate);
            var dueTicks = start + (long)(due * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueTicks);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            await slots.WaitAsync(cancellationToken);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await SendAsync(dueTicks, cancellationToken);
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
            if (inFlight.Count > 10_000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
    }

    private async Task SendAsync(long startTicks, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _next);
        var tenant = tenants[(int)(n % tenants.Count)];
        var customer = numbers.Next();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        KeyValuePair<string, string>[] form =
        [
            new("MessageSid", sid),
            new("SmsMessageSid", sid),
            new("SmsSid", sid),
            new("AccountSid", options.TwilioAccountSid),
            new("From", customer),
            new("To", tenant.To),
            new("Body", "Hello, I have a question about my order"),
            new("NumMedia", "0"),
            new("NumSegments", "1"),
            new("SmsStatus", "received"),
            new("ApiVersion", "2010-04-01"),
        ];
        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.WebhookUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Sign(options.TwilioAuthToken, tenant.WebhookUrl, form));
        var status = 0;
        try
        {
            using var response = await gateway.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's timeout: no answer.
        }

        if (status == 200)
        {
            Interlocked.Increment(ref _answered);
        }

        _records.Enqueue(new WebhookRecord(customer, startTicks, Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, status));
    }

    /// <summary>X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + every form key and value, keys sorted ordinally)).</summary>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
