namespace Outbound.Sending;

/// <summary>
/// The parts of one ACS <c>Microsoft.Communication.SMSDeliveryReportReceived</c> event that move a message.
/// ACS reports carry no error code, only the status and its details text.
/// </summary>
/// <param name="EventId">The Event Grid event id (for logs).</param>
/// <param name="MessageId">The ACS message id (<c>Outgoing_…</c>), as the send answered it.</param>
/// <param name="To">The recipient, E.164.</param>
/// <param name="DeliveryStatus">Documented values: <c>Delivered</c> and <c>Failed</c>; others change nothing.</param>
/// <param name="DeliveryStatusDetails">Free text, for example <c>No error.</c>; kept as the message's error text on a failure.</param>
[GenerateSerializer, Immutable, Alias("Outbound.AcsDeliveryReport")]
public sealed record AcsDeliveryReport(
    [property: Id(0)] string EventId,
    [property: Id(1)] string? MessageId,
    [property: Id(2)] string? To,
    [property: Id(3)] string? DeliveryStatus,
    [property: Id(4)] string? DeliveryStatusDetails);
