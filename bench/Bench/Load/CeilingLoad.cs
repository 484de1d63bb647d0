using System.Net.Http.Headers;
using System.Text;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Load;

/// <summary>
/// The ceiling: the provider calls that the silo makes for a send, posted straight to the fake by this process
/// (Twilio <c>Messages.json</c> form posts with Basic auth, the same fields the SDK sends), on the same HTTP
/// stack. What the fake and this machine can take when Orleans, storage and the gateway cost nothing.
/// </summary>
public sealed class CeilingLoad(HttpClient fake, string accountSid, string authToken, ContactNumbers numbers)
{
    public const char Phase = 'c';

    private readonly AuthenticationHeaderValue _auth = new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{accountSid}:{authToken}")));
    private int _sequence = -1;
    private long _created;
    private long _failed;

    public long Created => Interlocked.Read(ref _created);
    public long Failed => Interlocked.Read(ref _failed);

    public Task RunAsync(int concurrency, DateTimeOffset until, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (DateTimeOffset.UtcNow < until && !cancellationToken.IsCancellationRequested)
            {
                await PostOneAsync(cancellationToken);
            }
        }));

    private async Task PostOneAsync(CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/2010-04-01/Accounts/{accountSid}/Messages.json")
        {
            Content = new FormUrlEncodedContent(
            [
                new("To", numbers.Next()),
                new("From", TenantSetup.From),
                new("Body", "Bench " + MessageTags.Format(Phase, sequence, 0)),
            ]),
        };
        request.Headers.Authorization = _auth;
        try
        {
            using var response = await fake.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _created : ref _failed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
