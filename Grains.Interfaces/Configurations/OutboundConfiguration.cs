using Outbound.Catalog;

namespace Outbound.Configurations;

/// <summary>What to send and how: a template through a channel. Its id is the Configuration ID integrators send against.</summary>
/// <param name="ShowInTimeline">Whether its messages appear on the customer's timeline.</param>
[GenerateSerializer, Immutable, Alias("Outbound.OutboundConfiguration")]
public sealed record OutboundConfiguration(
    [property: Id(0)] string Name,
    [property: Id(1)] bool ShowInTimeline,
    [property: Id(2)] ChannelType ChannelType,
    [property: Id(3)] Guid ChannelId,
    [property: Id(4)] Guid TemplateId);
