using System.Security.Cryptography;
using System.Text;
using Outbound.Channels;
using Outbound.Grains.Catalog;
using Outbound.Grains.Providers.Acs;
using Outbound.Grains.Providers.Twilio;
using Outbound.Grains.Secrets;

namespace Outbound.Grains.Channels;

/// <summary>
/// A channel: a sender number on a Twilio or ACS account. Its secrets are sealed in storage (Data Protection, see
/// <see cref="SecretSealer"/>), open only in this activation's memory, and never leave through the API.
/// </summary>
public sealed class ChannelGrain(
    [PersistentState("channel", StorageNames.Catalog)] IPersistentState<CatalogItemState<Channel>> state,
    TimeProvider time,
    SecretSealer sealer,
    AcsEndpointPolicy acsEndpoints)
    : ReferencedItemGrain<Channel>(state, time), IChannelGrain
{
    protected override CatalogKind Kind => CatalogKind.Channel;

    protected override Task<(Channel Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(Channel item, Channel? existing)
    {
        var (channel, errors) = ChannelRules.Prepare(item, existing, acsEndpoints);
        if (errors.IsEmpty && existing is not null && existing.Type != channel.Type && State.State.UsedBy.Count > 0)
        {
            errors = ChannelTypeLockedError("type");
        }

        return Task.FromResult((channel, errors));
    }

    protected override Channel Seal(Channel item) => item with
    {
        Twilio = item.Twilio is { } twilio ? twilio with { AuthToken = Seal(SecretKind.TwilioAuthToken, twilio.AuthToken) } : null,
        Acs = item.Acs is { } acs
            ? acs with { AccessKey = Seal(SecretKind.AcsAccessKey, acs.AccessKey), EventsSecret = Seal(SecretKind.AcsEventsSecret, acs.EventsSecret) }
            : null,
    };

    protected override (Channel Item, bool Outdated) Open(Channel stored)
    {
        var outdated = false;
        var opened = stored with
        {
            Twilio = stored.Twilio is { } twilio ? twilio with { AuthToken = Open(SecretKind.TwilioAuthToken, twilio.AuthToken, ref outdated) } : null,
            Acs = stored.Acs is { } acs
                ? acs with
                {
                    AccessKey = Open(SecretKind.AcsAccessKey, acs.AccessKey, ref outdated),
                    EventsSecret = Open(SecretKind.AcsEventsSecret, acs.EventsSecret, ref outdated),
                }
                : null,
        };
        return (opened, outdated);
    }

    public Task<bool> IsEventsSecretAsync(string? secret)
    {
        if (Item?.Acs?.EventsSecret?.Value is not { } expected || string.IsNullOrEmpty(secret))
        {
            return Task.FromResult(false);
        }

        // Hashes first: equal lengths, so the comparison's time says nothing about the secret, not even its length.
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))));
    }

    public Task<bool> IsTwilioSignatureAsync(string url, ImmutableDictionary<string, string> form, string? signature) =>
        Task.FromResult(Item is { Provider: ProviderKind.Twilio, Twilio.AuthToken: { } token }
            && new TwilioSignature(token).IsValid(url, form.ToDictionary(), signature));

    private Secret? Seal(SecretKind kind, Secret? secret) => secret is null ? null : sealer.Seal(kind, secret);

    private Secret? Open(SecretKind kind, Secret? stored, ref bool outdated)
    {
        if (stored is null)
        {
            return null;
        }

        var opened = sealer.Open(kind, stored, out var reseal);
        outdated |= reseal;
        return opened;
    }
}
