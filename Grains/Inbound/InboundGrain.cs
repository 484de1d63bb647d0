using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Outbound.Channels;
using Outbound.Contacts;
using Outbound.Conversations;
using Outbound.Grains.Telemetry;

namespace Outbound.Grains.Inbound;

/// <summary>
/// Where customer messages enter: it checks that a delivery is the channel's, reads the provider's fields into an
/// <see cref="InboundMessage"/>, and hands it to the customer's contact grain, which stores it.
/// </summary>
[StatelessWorker]
public sealed class InboundGrain(TimeProvider time, ILogger<InboundGrain> logger, OutboundMetrics? metrics = null) : Grain, IInboundGrain
{
    private const string WhatsAppPrefix = "whatsapp:";

    // An org's ACS numbers, kept briefly so a burst of messages does not list the org's channels for each one.
    private static readonly TimeSpan AcsNumbersLifetime = TimeSpan.FromSeconds(30);
    private const int MaxChannelsScanned = 1_000;
    private readonly Dictionary<Guid, (DateTimeOffset At, Dictionary<string, Guid> Numbers)> _acsNumbers = [];

    public async Task<InboundReceipt> ReceiveTwilioAsync(Guid orgId, Guid channelId, string url, ImmutableDictionary<string, string> form, string? signature)
    {
        var channel = GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(orgId, channelId));
        // The signature first: it is false for a channel that does not exist or is not Twilio's.
        if (!await channel.IsTwilioSignatureAsync(url, form, signature)
            || await channel.GetAsync() is not { Item: { Provider: ProviderKind.Twilio } stored })
        {
            return Refused;
        }

        var from = Field(form, "From");
        if (from.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase))
        {
            from = from[WhatsAppPrefix.Length..];
        }

        if (Field(form, "MessageSid") is not { Length: > 0 } sid || !InboundNumbers.IsE164(from))
        {
            logger.LogWarning("A signed Twilio message for channel {ChannelId} of org {OrgId} has no MessageSid or no E.164 sender; refused", channelId, orgId);
            return Refused;
        }

        var profileName = Field(form, "ProfileName") is { Length: > 0 } name ? name : null;
        var message = new InboundMessage(sid, channelId, stored.Type, ProviderKind.Twilio, from, Field(form, "To"), Field(form, "Body"), profileName, time.GetUtcNow());
        return Counted(await ContactOf(orgId, from).ReceiveAsync(message), message);
    }

    public async Task<ImmutableArray<InboundReceipt>> ReceiveAcsAsync(Guid orgId, Guid channelId, ImmutableArray<AcsReceivedSms> messages)
    {
        var receipts = new InboundReceipt[messages.Length];
        var calls = new List<Task>(messages.Length);
        for (var i = 0; i < messages.Length; i++)
        {
            var sms = messages[i];
            if (!InboundNumbers.IsE164(sms.From) || sms.MessageId.Length == 0)
            {
                logger.LogWarning("An ACS message {MessageId} for org {OrgId} has no E.164 sender; ignored", sms.MessageId, orgId);
                receipts[i] = Refused;
                continue;
            }

            if (await AcsChannelAsync(orgId, channelId, sms.To) is not { } receiver)
            {
                receipts[i] = Refused;
                continue;
            }

            var message = new InboundMessage(sms.MessageId, receiver, ChannelType.Sms, ProviderKind.AzureCommunicationServices, sms.From, sms.To, sms.Message, null, time.GetUtcNow());
            var index = i;
            calls.Add(StoreAsync(index, message));
        }

        // A customer's messages in one delivery are stored in order (their contact grain queues them).
        await Task.WhenAll(calls);
        return [.. receipts];

        async Task StoreAsync(int index, InboundMessage message) => receipts[index] = Counted(await ContactOf(orgId, message.From).ReceiveAsync(message), message);
    }

    /// <summary>Counts a message received for the first time (a provider's retry of it is a duplicate).</summary>
    private InboundReceipt Counted(InboundReceipt receipt, InboundMessage message)
    {
        if (receipt.Outcome != InboundOutcome.Duplicate && receipt.Outcome != InboundOutcome.Refused)
        {
            metrics?.InboundReceived(message.Provider, message.ChannelType);
        }

        return receipt;
    }

    private static InboundReceipt Refused => new(InboundOutcome.Refused, null);

    private IContactGrain ContactOf(Guid orgId, string from) => GrainFactory.GetGrain<IContactGrain>(ContactKeys.Contact(orgId, from));

    private static string Field(ImmutableDictionary<string, string> form, string name) => form.TryGetValue(name, out var value) ? value : "";

    /// <summary>The org's ACS channel whose number <paramref name="to"/> is; else the named channel, if it is an ACS channel of the org.</summary>
    private async Task<Guid?> AcsChannelAsync(Guid orgId, Guid named, string to)
    {
        var now = time.GetUtcNow();
        if (!_acsNumbers.TryGetValue(orgId, out var known) || now - known.At >= AcsNumbersLifetime
            || (!known.Numbers.ContainsKey(to) && !known.Numbers.ContainsValue(named)))
        {
            known = (now, await ListAcsNumbersAsync(orgId));
            _acsNumbers[orgId] = known;
        }

        return known.Numbers.TryGetValue(to, out var channelId) ? channelId
            : known.Numbers.ContainsValue(named) ? named
            : null;
    }

    private async Task<Dictionary<string, Guid>> ListAcsNumbersAsync(Guid orgId)
    {
        var numbers = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var index = GrainFactory.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(orgId, CatalogKind.Channel));
        Guid? after = null;
        for (var scanned = 0; scanned < MaxChannelsScanned;)
        {
            var ids = await index.ListAsync(after, 100);
            var channels = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(orgId, id)).GetAsync()));
            foreach (var stored in channels)
            {
                if (stored is { Item: { Provider: ProviderKind.AzureCommunicationServices, From: { } from } })
                {
                    numbers.TryAdd(from, stored.Id);
                }
            }

            scanned += ids.Length;
            if (ids.Length < 100)
            {
                break;
            }

            after = ids[^1];
        }

        return numbers;
    }
}

/// <summary>The shape of a customer's number as providers write it: <c>+</c> and 7 to 15 digits, the first not 0.</summary>
internal static class InboundNumbers
{
    public static bool IsE164(string? number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number[1] != '0' && !number.AsSpan(1).ContainsAnyExceptInRange('0', '9');
}
