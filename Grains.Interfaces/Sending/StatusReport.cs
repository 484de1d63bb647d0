namespace Outbound.Sending;

/// <summary>
/// A provider's report of where one of its messages is, already authenticated by whoever received it (for ACS,
/// the Event Grid subscription's channel secret).
/// </summary>
/// <param name="ReportId">The provider's id of the report (an Event Grid event id), for logs.</param>
/// <param name="ProviderMessageId">The provider's id of the message, as its send answered it.</param>
/// <param name="To">The recipient, E.164: finds a message whose send answer was lost.</param>
/// <param name="Status">The status reported; <see cref="MessageStatus.Accepted"/> means one that changes nothing.</param>
/// <param name="ErrorCode">The provider's code for a failure, when it gives one.</param>
/// <param name="Details">The provider's text, kept as the message's error text on a failure.</param>
[GenerateSerializer, Immutable, Alias("Outbound.StatusReport")]
public sealed record StatusReport(
    [property: Id(0)] string ReportId,
    [property: Id(1)] string? ProviderMessageId,
    [property: Id(2)] string? To,
    [property: Id(3)] MessageStatus Status,
    [property: Id(4)] string? ErrorCode,
    [property: Id(5)] string? Details);
