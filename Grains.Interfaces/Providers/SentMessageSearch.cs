namespace Outbound.Providers;

/// <summary>What to look for at a provider: a message we may have sent, and when its attempt ran.</summary>
/// <param name="Message">The message as it was (or may have been) sent.</param>
/// <param name="CreatedFrom">The earliest time the provider could have created it (the attempt's start, less clock skew).</param>
/// <param name="CreatedTo">The latest (the attempt's end, or the longest an attempt can last, plus clock skew).</param>
[GenerateSerializer, Immutable, Alias("Outbound.SentMessageQuery")]
public sealed record SentMessageQuery(
    [property: Id(0)] ProviderMessage Message,
    [property: Id(1)] DateTimeOffset CreatedFrom,
    [property: Id(2)] DateTimeOffset CreatedTo);

/// <summary>The answer to a <see cref="SentMessageQuery"/>.</summary>
/// <param name="Completed">
/// The provider answered and the whole window was searched; false when it could not be asked (transport failure, 5xx,
/// refused credentials, timeout, cancellation) or the search was cut short (Twilio: after 1,000 listed messages), so
/// an empty <paramref name="Matches"/> does not mean the message is not there.
/// </param>
/// <param name="Matches">
/// The provider's messages to the same recipient, from the same sender, with the same content, created in the window;
/// oldest first. When the search was cut short, the matches found until then.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.SentMessageSearch")]
public sealed record SentMessageSearch(
    [property: Id(0)] bool Completed,
    [property: Id(1)] ImmutableArray<FoundMessage> Matches)
{
    public static readonly SentMessageSearch Failed = new(false, []);
}

/// <summary>A message the provider has.</summary>
/// <param name="ProviderMessageId">Twilio: the Message SID (<c>SM…</c>).</param>
/// <param name="Status">
/// Its status now, in our terms, with the provider's error code; null while it is not sent yet (Twilio: queued,
/// accepted, scheduled) or its status is not one we know.
/// </param>
/// <param name="CreatedAt">When the provider created it (Twilio: <c>date_created</c>, whole seconds, UTC).</param>
[GenerateSerializer, Immutable, Alias("Outbound.FoundMessage")]
public sealed record FoundMessage(
    [property: Id(0)] string ProviderMessageId,
    [property: Id(1)] ReportedStatus? Status,
    [property: Id(2)] DateTimeOffset CreatedAt);
