namespace Outbound.Conversations;

/// <summary>Grain keys and ids of conversations and their messages.</summary>
public static class ConversationKeys
{
    public static string Conversation(Guid orgId, Guid conversationId) => $"{orgId:D}/{conversationId:D}";

    /// <summary>
    /// The id of entry <paramref name="sequence"/> of a conversation's transcript, as the timeline shows it:
    /// <c>c{conversationId:N}-{sequence}</c>. It cannot be mistaken for an outbound message id, which starts with
    /// 32 hex digits and a dash.
    /// </summary>
    public static string EntryId(Guid conversationId, int sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"c{conversationId:N}-{sequence}");

    public static bool TryParseEntryId(string id, out Guid conversationId, out int sequence)
    {
        conversationId = default;
        sequence = -1;
        return id.Length > 34
            && id[0] == 'c'
            && id[33] == '-'
            && Guid.TryParseExact(id.AsSpan(1, 32), "N", out conversationId)
            && int.TryParse(id.AsSpan(34), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
    }
}
