using Orleans.Storage;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Whether a batch fits the one Azure Table entity it is stored in. Orleans' table storage splits a state over 15
/// binary properties of 64 KiB each and refuses anything larger at write time; a batch is sized before it is
/// accepted instead, so a request is refused up front rather than accepted and then never stored.
/// </summary>
public static class StoredBatchSize
{
    /// <summary>The most bytes of serialized state Orleans' Azure Table storage writes: 15 properties of 64 KiB.</summary>
    public const int MaxBytes = SendReceipt.MaxStoredBytes;

    // Generous bounds for everything but the strings: ids, times, numbers, property names and indentation. A string
    // costs at most 6 bytes a character in JSON (a \uXXXX escape).
    private const int BatchOverhead = 4 * 1024;
    private const int MessageOverhead = 2 * 1024;
    private const int ResultOverhead = 512;
    private const int BytesPerChar = 6;

    /// <summary>
    /// Whether <paramref name="batch"/> is larger than <see cref="MaxBytes"/> as <paramref name="serializer"/> writes
    /// it. Serializes only when a cheap bound says it may be: a typical batch costs a pass over its strings.
    /// </summary>
    /// <param name="bytes">The serialized size when it was measured; otherwise the bound it is under.</param>
    public static bool Exceeds(SendBatchState batch, IGrainStorageSerializer serializer, out int bytes)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(serializer);

        var bound = UpperBound(batch);
        if (bound <= MaxBytes)
        {
            bytes = (int)bound;
            return false;
        }

        bytes = serializer.Serialize(batch).ToMemory().Length;
        return bytes > MaxBytes;
    }

    /// <summary>A size the serialized batch is never above.</summary>
    public static long UpperBound(SendBatchState batch)
    {
        ArgumentNullException.ThrowIfNull(batch);

        long bound = BatchOverhead + (BytesPerChar * (long)batch.RequestHash.Length);
        foreach (var result in batch.Results)
        {
            bound += ResultOverhead + (BytesPerChar * (long)((result.MessageId?.Length ?? 0) + (result.Reason?.Length ?? 0)));
        }

        foreach (var message in batch.Messages)
        {
            var m = message.Message;
            long chars = m.To.Length + (m.Body?.Length ?? 0) + (m.ContentSid?.Length ?? 0) + (m.ReportTag?.Length ?? 0)
                + (m.StatusCallback?.OriginalString.Length ?? 0) + message.Locale.Length + (message.RegardingEntity?.Length ?? 0)
                + (message.ErrorCode?.Length ?? 0) + (message.ErrorMessage?.Length ?? 0) + (message.ProviderMessageId?.Length ?? 0);
            foreach (var (key, value) in m.ContentVariables ?? ImmutableDictionary<string, string>.Empty)
            {
                chars += key.Length + value.Length + 8;
            }

            foreach (var change in message.History)
            {
                chars += 96 + (change.ErrorCode?.Length ?? 0);
            }

            bound += MessageOverhead + (BytesPerChar * chars);
        }

        return bound;
    }
}
