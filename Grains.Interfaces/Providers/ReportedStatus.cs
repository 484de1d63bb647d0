using Outbound.Sending;

namespace Outbound.Providers;

/// <summary>A message's status as its provider reports it when asked (reconciliation).</summary>
/// <param name="ErrorCode">The provider's code for a failed or undelivered message.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ReportedStatus")]
public sealed record ReportedStatus(
    [property: Id(0)] MessageStatus Status,
    [property: Id(1)] string? ErrorCode);
