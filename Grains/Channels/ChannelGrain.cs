using System.Security.Cryptography;
using System.Text;
using Outbound.Channels;
using Outbound.Grains.Catalog;

namespace Outbound.Grains.Channels;

/// <summary>A channel: a sender number on a Twilio or ACS account. Its secrets stay in grain state and never leave through the API.</summary>
public sealed class ChannelGrain(
    [PersistentState("channel", StorageNames.Catalog)] IPersistentState<CatalogItemState<Channel>> state,
    TimeProvider time)
    : ReferencedItemGrain<Channel>(state, time), IChannelGrain
{
    protected override CatalogKind Kind => CatalogKind.Channel;

    protected override Task<(Channel Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(Channel item, Channel? existing)
    {
        var (channel, errors) = ChannelRules.Prepare(item, existing);
        if (errors.IsEmpty && existing is not null && existing.Type != channel.Type && State.State.UsedBy.Count > 0)
        {
            errors = ChannelTypeLockedError("type");
        }

        return Task.FromResult((channel, errors));
    }

    public Task<bool> IsEventsSecretAsync(string? secret)
    {
        if (!Exists || State.State.Item!.Acs?.EventsSecret?.Value is not { } expected || string.IsNullOrEmpty(secret))
        {
            return Task.FromResult(false);
        }

        // Hashes first: equal lengths, so the comparison's time says nothing about the secret, not even its length.
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))));
    }
}
