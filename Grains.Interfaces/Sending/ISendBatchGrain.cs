using Outbound.Activities;

namespace Outbound.Sending;

/// <summary>
/// One send request and its messages, keyed by <see cref="MessageIds.BatchKey"/>. Accepting stores every message
/// in one write; delivery then runs in the grain's own timer, resumed by a reminder after a crash.
/// </summary>
public interface ISendBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts <paramref name="request"/> once. A repeat with the same <paramref name="requestHash"/> returns the
    /// original receipt; a different hash is <see cref="ReceiptStatus.IdempotencyKeyReused"/>.
    /// </summary>
    Task<SendReceipt> AcceptAsync(SendRequest request, string requestHash);

    /// <summary>
    /// Applies a signed status callback about the message in slot <paramref name="index"/> (Twilio posts one per
    /// message to the URL it was given). The provider that carried the message checks <paramref name="signature"/>
    /// over <paramref name="url"/> and <paramref name="form"/> with its channel's credentials. Answers once the new
    /// status is stored, so an acknowledged callback survives a crash. Late, repeated or out-of-order callbacks
    /// never move a message backwards. False if the signature is not valid.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> ApplyStatusCallbackAsync(int index, string url, ImmutableDictionary<string, string> form, string? signature);

    /// <summary>
    /// Applies authenticated status reports that name this batch (ACS delivery reports carry the batch in their tag).
    /// Each finds its message by the provider's message id, or, for a message whose send answer was lost, by its
    /// recipient when only one message of the batch has it. Answers once the new statuses are stored. Late, repeated
    /// or out-of-order reports never move a message backwards.
    /// </summary>
    /// <returns>How many of the reports named a message of this batch (the others are for nothing we know).</returns>
    [AlwaysInterleave]
    Task<int> ApplyStatusReportsAsync(ImmutableArray<StatusReport> reports);

    /// <summary>The message in slot <paramref name="index"/>, or null.</summary>
    [AlwaysInterleave]
    Task<MessageView?> GetMessageAsync(int index);

    /// <summary>The messages in the given slots (those that exist), or every message when <paramref name="indices"/> is empty.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<MessageView>> GetMessagesAsync(ImmutableArray<int> indices);

    /// <summary>How many of the batch's messages are in each status now; null if the batch does not exist.</summary>
    [AlwaysInterleave]
    Task<StatusCounts?> GetStatusCountsAsync();

    /// <summary>
    /// Settles messages that are still only <c>sent</c>: the provider is asked for their status where it can tell
    /// (Twilio), and the rest become <c>unknown</c>. False while the batch is still delivering.
    /// </summary>
    Task<bool> ReconcileAsync();

    /// <summary>Removes the batch's activity records (retention): its timeline entries and its stored state.</summary>
    Task ExpireAsync();
}

/// <summary>Message ids name their batch and slot (<c>{batchId:N}-{index}</c>), so no index is needed to find them.</summary>
public static class MessageIds
{
    public static string BatchKey(Guid orgId, Guid batchId) => $"{orgId:D}/{batchId:D}";

    public static string Format(Guid batchId, int index) => $"{batchId:N}-{index}";

    /// <summary>
    /// The ACS delivery-report tag of the batch's messages, <c>{orgId:N}.{batchId:N}</c>: ACS echoes it in each
    /// report, which is how a report finds its batch grain (the ACS message id then finds the message in it).
    /// </summary>
    public static string ReportTag(Guid orgId, Guid batchId) => $"{orgId:N}.{batchId:N}";

    public static bool TryParseReportTag(string? tag, out Guid orgId, out Guid batchId)
    {
        orgId = default;
        batchId = default;
        return tag is { Length: 65 }
            && tag[32] == '.'
            && Guid.TryParseExact(tag.AsSpan(0, 32), "N", out orgId)
            && Guid.TryParseExact(tag.AsSpan(33), "N", out batchId);
    }

    public static bool TryParse(string messageId, out Guid batchId, out int index)
    {
        batchId = default;
        index = -1;
        return messageId.Length > 33
            && messageId[32] == '-'
            && Guid.TryParseExact(messageId.AsSpan(0, 32), "N", out batchId)
            && int.TryParse(messageId.AsSpan(33), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
