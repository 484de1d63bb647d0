namespace Outbound.Orgs;

/// <summary>
/// The words that change a customer's consent or ask for help when they are a whole inbound message (any case,
/// surrounding whitespace ignored), and what the org answers to each. A keyword message opens no conversation.
/// </summary>
/// <param name="OptOutReply">Sent once after an opt-out; null or empty: nothing is sent.</param>
/// <param name="OptInReply">Sent after an opt-in; null or empty: nothing is sent.</param>
/// <param name="HelpReply">Sent for a help keyword; null or empty: nothing is sent.</param>
[GenerateSerializer, Immutable, Alias("Outbound.KeywordSettings")]
public sealed record KeywordSettings(
    [property: Id(0)] ImmutableArray<string> OptOut,
    [property: Id(1)] ImmutableArray<string> OptIn,
    [property: Id(2)] ImmutableArray<string> Help,
    [property: Id(3)] string? OptOutReply,
    [property: Id(4)] string? OptInReply,
    [property: Id(5)] string? HelpReply)
{
    /// <summary>The carriers' standard words (CTIA) and plain confirmations.</summary>
    public static readonly KeywordSettings Default = new(
        ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"],
        ["START", "YES", "UNSTOP"],
        ["HELP", "INFO"],
        "You have been unsubscribed and will receive no more messages. Reply START to subscribe again.",
        "You have been subscribed again. Reply STOP to unsubscribe.",
        "Reply STOP to unsubscribe, START to subscribe again.");
}
