namespace Outbound.ProviderFake.Acs;

/// <summary>
/// The <c>data</c> of the SMS events (providers.md §4.6, specs/acs-eventgrid-examples). Property names are written
/// PascalCase or camelCase (<c>FAKE_ACS_EVENT_CASING</c>): the service's own examples use both.
/// </summary>
public sealed record SmsDeliveryReportData(
    string MessageId,
    string From,
    string To,
    string DeliveryStatus,
    string DeliveryStatusDetails,
    IReadOnlyList<SmsDeliveryAttempt> DeliveryAttempts,
    DateTimeOffset ReceivedTimestamp,
    string? Tag);

public sealed record SmsDeliveryAttempt(DateTimeOffset Timestamp, int SegmentsSucceeded, int SegmentsFailed);

public sealed record SmsReceivedData(
    string MessageId,
    string From,
    string To,
    string Message,
    DateTimeOffset ReceivedTimestamp,
    int SegmentCount);
