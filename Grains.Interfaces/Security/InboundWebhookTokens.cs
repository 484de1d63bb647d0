namespace Outbound.Security;

/// <summary>
/// The token in a channel's inbound webhook URL (the one a tenant pastes into the Twilio console): a tag of the
/// channel it names, so the gateway refuses a forged or guessed URL before any grain reads state for it.
/// </summary>
public static class InboundWebhookTokens
{
    /// <summary>The query parameter that carries the token.</summary>
    public const string Parameter = "token";

    /// <summary>The query parameter that names the channel: <c>{orgId:N}.{channelId:N}</c>.</summary>
    public const string ChannelParameter = "channel";

    // Its own purpose: a status callback's token never opens an inbound webhook, nor the reverse.
    private const string Purpose = "inbound-webhook";

    public static string Channel(Guid orgId, Guid channelId) => $"{orgId:N}.{channelId:N}";

    public static string ForInbound(this SigningKeys keys, Guid orgId, Guid channelId) => keys.Sign(Purpose, Channel(orgId, channelId));

    /// <param name="channel">The webhook's <c>channel</c> parameter: <see cref="Channel(Guid, Guid)"/>.</param>
    public static bool IsValidInbound(this SigningKeys keys, string channel, string? token) =>
        token is { Length: > 0 } && keys.Verify(Purpose, channel, token);

    /// <summary>Reads a <c>channel</c> parameter written by <see cref="Channel(Guid, Guid)"/>.</summary>
    public static bool TryParseChannel(string? channel, out Guid orgId, out Guid channelId)
    {
        orgId = default;
        channelId = default;
        return channel is { Length: 65 }
            && channel[32] == '.'
            && Guid.TryParseExact(channel.AsSpan(0, 32), "N", out orgId)
            && Guid.TryParseExact(channel.AsSpan(33), "N", out channelId);
    }
}
