using System.Collections.Concurrent;

namespace Outbound.ProviderFake.Acs;

/// <summary>
/// Accepted recipients by repeatabilityRequestId (providers.md §4.5). Only acceptances are kept: a recipient that
/// failed (throttled, 5xx) must really be sent when retried with the same id.
/// </summary>
public sealed class AcsRepeatability
{
    private readonly ConcurrentDictionary<string, AcsSendResult> _accepted = new(StringComparer.Ordinal);

    public bool TryGet(string requestId, out AcsSendResult result) => _accepted.TryGetValue(requestId, out result!);

    /// <summary>Records an acceptance; when another request won the race, returns that one's result instead.</summary>
    public AcsSendResult AddOrGet(string requestId, AcsSendResult result) => _accepted.GetOrAdd(requestId, result);

    public void Clear() => _accepted.Clear();
}
