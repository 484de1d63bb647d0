using Outbound.Channels;
using Outbound.Configurations;

namespace Outbound.Grains.Sending;

/// <summary>
/// The channels a batch's messages may go through, as the catalog holds them now (credentials may be rotated at
/// any time): a configuration's own channel and its fallback, or a direct message's channel alone.
/// </summary>
/// <param name="FallbackAfter">How long the channel may fail before a message moves to the fallback.</param>
internal sealed record BatchChannels(Guid ChannelId, Channel Channel, Guid? FallbackChannelId, Channel? Fallback, TimeSpan FallbackAfter)
{
    public static BatchChannels Of(ConfigurationBinding binding) => new(
        binding.Configuration.ChannelId,
        binding.Channel,
        binding.Fallback is null ? null : binding.Configuration.FallbackChannelId,
        binding.Fallback,
        binding.Configuration.FallbackAfter ?? OutboundConfiguration.DefaultFallbackAfter);

    /// <summary>A direct message is written for one channel (a conversation's): it never moves to another.</summary>
    public static BatchChannels Direct(Guid channelId, Channel channel) => new(channelId, channel, null, null, TimeSpan.Zero);
}
