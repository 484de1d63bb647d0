using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Outbound.Bench.Measure;

/// <summary>The provider fake's control endpoints: the ledger and the faults.</summary>
public sealed class FakeControl(HttpClient fake)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public async Task ClearLedgerAsync(CancellationToken cancellationToken) =>
        (await fake.DeleteAsync("/_ledger", cancellationToken)).EnsureSuccessStatusCode();

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        (await fake.GetFromJsonAsync<LedgerCount>("/_ledger/count", cancellationToken))!.Count;

    /// <summary>Streams <c>GET /_ledger</c>: a million rows are read one by one rather than held as one document.</summary>
    public async IAsyncEnumerable<LedgerRow> ReadLedgerAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await fake.GetAsync("/_ledger", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var row in JsonSerializer.DeserializeAsyncEnumerable<LedgerRow>(stream, Web, cancellationToken))
        {
            if (row is not null)
            {
                yield return row;
            }
        }
    }

    /// <summary>Sets retryable (5xx) and throttled (429) rates; everything else back to defaults.</summary>
    public Task SetFaultsAsync(double retryable, double throttled, CancellationToken cancellationToken) =>
        SetFaultsAsync(new { retryable, throttled, retryAfterSeconds = 1 }, cancellationToken);

    /// <summary>Replaces the whole fault configuration (the fake's <c>FaultConfig</c> as JSON); left-out properties take their defaults.</summary>
    public async Task SetFaultsAsync(object faults, CancellationToken cancellationToken) =>
        (await fake.PutAsJsonAsync("/_faults", faults, cancellationToken)).EnsureSuccessStatusCode();

    /// <summary>Points the fake ACS resource's Event Grid subscription at <paramref name="url"/>, as an operator would.</summary>
    public async Task SubscribeAcsEventsAsync(Uri url, CancellationToken cancellationToken) =>
        (await fake.PutAsJsonAsync("/_acs/events-subscription", new { url }, cancellationToken)).EnsureSuccessStatusCode();

    public async Task ResetFaultsAsync(CancellationToken cancellationToken) =>
        (await fake.DeleteAsync("/_faults", cancellationToken)).EnsureSuccessStatusCode();

    private sealed record LedgerCount(long Count);
}

/// <summary>The part of a ledger row the bench reads: the body (which carries the tag), when the fake accepted it, which provider (<c>twilio</c>, <c>acs</c>) and the number it went to.</summary>
public sealed record LedgerRow(string? Body, DateTimeOffset ReceivedAt, string? Provider = null, string? To = null);
