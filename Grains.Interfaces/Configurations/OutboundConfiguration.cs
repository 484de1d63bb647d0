using Outbound.Catalog;
using Outbound.QuietHours;

namespace Outbound.Configurations;

/// <summary>What to send and how: a template through a channel. Its id is the Configuration ID integrators send against.</summary>
/// <param name="ShowInTimeline">Whether its messages appear on the customer's timeline.</param>
/// <param name="FallbackChannelId">
/// A second channel of the same type that carries a message when its channel is down (its provider refuses every
/// attempt, or has answered only with retryable failures for <paramref name="FallbackAfter"/>); null: none.
/// </param>
/// <param name="FallbackAfter">How long retryable failures on the channel last before the fallback takes over; null: <see cref="DefaultFallbackAfter"/>.</param>
/// <param name="Inactive">
/// Send requests are refused; messages already accepted are still delivered. Stored as the negation of the API's
/// <c>active</c> so that a configuration stored before the flag existed, or sent by an older silo, reads as active.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.OutboundConfiguration")]
public sealed record OutboundConfiguration(
    [property: Id(0)] string Name,
    [property: Id(1)] bool ShowInTimeline,
    [property: Id(2)] ChannelType ChannelType,
    [property: Id(3)] Guid ChannelId,
    [property: Id(4)] Guid TemplateId,
    [property: Id(5)] Guid? FallbackChannelId = null,
    [property: Id(6)] TimeSpan? FallbackAfter = null,
    [property: Id(7)] bool Inactive = false)
{
    public static readonly TimeSpan DefaultFallbackAfter = TimeSpan.FromMinutes(5);

    /// <summary>Quiet hours of this configuration's messages, replacing the org's; null: the org's apply.</summary>
    [Id(8)] public QuietHoursSetting? QuietHours { get; init; }

    /// <summary>
    /// Its messages are never held for quiet hours (a one-time code, a notice the customer is waiting for).
    /// </summary>
    [Id(9)] public bool Transactional { get; init; }
}
