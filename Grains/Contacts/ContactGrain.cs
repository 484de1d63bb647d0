using System.Security.Cryptography;
using System.Text;
using Outbound.Activities;
using Outbound.Contacts;
using Outbound.Conversations;
using Outbound.Orgs;
using Outbound.Sending;

namespace Outbound.Grains.Contacts;

/// <summary>
/// A customer address: its consent record, written through to the org's suppression list, and what it receives
/// from the customer: keywords change consent here; other messages go to the customer's open conversation on the
/// channel, or open one.
/// </summary>
/// <remarks>
/// Consent and what the customer sent are two states: consent is written rarely, while every conversation a
/// customer opens is recorded in the conversations store, whose writes share transactions with other grains'.
/// A customer writes now and then, and their conversation holds the exchange: the contact leaves memory soon after.
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.Messages)] IPersistentState<ContactState> state,
    [PersistentState("inbound", StorageNames.Conversations)] IPersistentState<ContactInboundState> inbound,
    TimeProvider time)
    : Grain, IContactGrain
{
    /// <summary>How many provider message ids the contact remembers for deduplication.</summary>
    private const int RememberedMessages = 50;

    /// <summary>A reply links to the last outbound message sent to the customer on the channel within this window.</summary>
    private static readonly TimeSpan AnswersWindow = TimeSpan.FromDays(7);

    public Task OptOutAsync(string source) => SetAsync(optedOut: true, source);

    public Task OptInAsync(string source) => SetAsync(optedOut: false, source);

    public Task<ConsentRecord> GetConsentAsync() =>
        Task.FromResult(new ConsentRecord(To, state.State.OptedOut, state.State.Source, state.RecordExists ? state.State.ChangedAt : null));

    public async Task<InboundReceipt> ReceiveAsync(InboundMessage message)
    {
        if (inbound.State.Handled.Find(h => h.ProviderMessageId == message.ProviderMessageId) is { } handled)
        {
            return await RedeliveredAsync(message, handled);
        }

        var keywords = await GrainFactory.GetGrain<IOrgGrain>(OrgId).GetKeywordSettingsAsync() ?? KeywordSettings.Default;
        return Keywords.Match(keywords, message.Text) is { } keyword
            ? await ApplyKeywordAsync(message, keywords, keyword)
            : await ConverseAsync(message);
    }

    public Task<Guid?> GetOpenConversationAsync(Guid channelId) =>
        Task.FromResult(inbound.State.OpenConversations.TryGetValue(channelId, out var open) ? open : (Guid?)null);

    public async Task ConversationClosedAsync(Guid channelId, Guid conversationId)
    {
        if (inbound.State.OpenConversations.TryGetValue(channelId, out var open) && open == conversationId)
        {
            inbound.State.OpenConversations.Remove(channelId);
            await inbound.WriteStateAsync();
        }
    }

    private Guid OrgId => Guid.Parse(this.GetPrimaryKeyString().AsSpan(0, this.GetPrimaryKeyString().IndexOf('/')));

    private string To => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/') + 1)..];

    private async Task<InboundReceipt> ApplyKeywordAsync(InboundMessage message, KeywordSettings keywords, (KeywordKind Kind, string Word) keyword)
    {
        // Consent first, then the remembered id: after a crash in between, the redelivery applies the (idempotent)
        // keyword again; the other way round, it would find the id and never change consent.
        switch (keyword.Kind)
        {
            case KeywordKind.OptOut:
                await SetAsync(optedOut: true, $"keyword:{keyword.Word}");
                break;
            case KeywordKind.OptIn:
                await SetAsync(optedOut: false, $"keyword:{keyword.Word}");
                break;
        }

        Remember(new HandledMessage { ProviderMessageId = message.ProviderMessageId, Keyword = keyword.Kind });
        await inbound.WriteStateAsync();

        await ReplyAsync(message, keywords, keyword.Kind);
        return new InboundReceipt(Outcome(keyword.Kind), null);
    }

    /// <summary>
    /// A message the contact handled before. Its reply (or the opening of its conversation) is asked for again: both
    /// are idempotent, so a delivery that failed halfway completes and one that did not changes nothing.
    /// </summary>
    private async Task<InboundReceipt> RedeliveredAsync(InboundMessage message, HandledMessage handled)
    {
        if (handled.ConversationId is { } conversationId)
        {
            await OpenAsync(message, conversationId);
            return new InboundReceipt(InboundOutcome.Duplicate, conversationId);
        }

        if (handled.Keyword is { } kind)
        {
            var keywords = await GrainFactory.GetGrain<IOrgGrain>(OrgId).GetKeywordSettingsAsync() ?? KeywordSettings.Default;
            await ReplyAsync(message, keywords, kind);
        }

        return new InboundReceipt(InboundOutcome.Duplicate, null);
    }

    private async Task<InboundReceipt> ConverseAsync(InboundMessage message)
    {
        if (inbound.State.OpenConversations.TryGetValue(message.ChannelId, out var openId))
        {
            switch (await Conversation(openId).ReceiveAsync(message, opening: null))
            {
                case ReceiveResult.Stored:
                    return new InboundReceipt(InboundOutcome.Conversation, openId);
                case ReceiveResult.Duplicate:
                    return new InboundReceipt(InboundOutcome.Duplicate, openId);
            }

            // Closed: the customer's message opens a new one.
        }

        // The contact remembers the new conversation before it exists: after a crash between the two, the
        // redelivered message finds it here and opens that same conversation instead of a second one.
        var conversationId = Guid.CreateVersion7(time.GetUtcNow());
        inbound.State.OpenConversations[message.ChannelId] = conversationId;
        Remember(new HandledMessage { ProviderMessageId = message.ProviderMessageId, ConversationId = conversationId });
        await inbound.WriteStateAsync();
        await OpenAsync(message, conversationId);
        return new InboundReceipt(InboundOutcome.Conversation, conversationId);
    }

    private async Task OpenAsync(InboundMessage message, Guid conversationId)
    {
        var answers = await GrainFactory.GetGrain<IActivityQueryGrain>(OrgId)
            .FindLastOutboundAsync(message.From, message.ChannelId, message.ReceivedAt - AnswersWindow);
        await Conversation(conversationId).ReceiveAsync(message, new ConversationOpening(message.From, message.ChannelId, message.ChannelType, answers));
    }

    /// <summary>
    /// The org's answer to a keyword, through the send path (consent, quota and tracking are decided there). Its
    /// batch id comes from the provider message id, so a redelivered keyword cannot send it twice.
    /// </summary>
    private async Task ReplyAsync(InboundMessage message, KeywordSettings keywords, KeywordKind kind)
    {
        var (text, purpose) = kind switch
        {
            KeywordKind.OptOut => (keywords.OptOutReply, DirectPurpose.OptOutConfirmation),
            KeywordKind.OptIn => (keywords.OptInReply, DirectPurpose.AutoReply),
            _ => (keywords.HelpReply, DirectPurpose.AutoReply),
        };
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var request = new SendRequest(Guid.Empty, [new SendContact(message.From, true, null, ImmutableDictionary<string, string>.Empty, null)])
        {
            Direct = new DirectMessage(message.ChannelId, purpose, text, null, null, null),
        };
        var batchId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{OrgId:N}:inbound:{message.ProviderMessageId}")).AsSpan(0, 16));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{message.ChannelId:N}\n{purpose}\n{message.From}\n{text}")));
        await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, batchId)).AcceptAsync(request, hash);
    }

    private void Remember(HandledMessage handled)
    {
        var remembered = inbound.State.Handled;
        remembered.Add(handled);
        if (remembered.Count > RememberedMessages)
        {
            remembered.RemoveRange(0, remembered.Count - RememberedMessages);
        }
    }

    private IConversationGrain Conversation(Guid conversationId) =>
        GrainFactory.GetGrain<IConversationGrain>(ConversationKeys.Conversation(OrgId, conversationId));

    private static InboundOutcome Outcome(KeywordKind kind) => kind switch
    {
        KeywordKind.OptOut => InboundOutcome.OptedOut,
        KeywordKind.OptIn => InboundOutcome.OptedIn,
        _ => InboundOutcome.Help,
    };

    private async Task SetAsync(bool optedOut, string source)
    {
        state.State.OptedOut = optedOut;
        state.State.Source = source;
        state.State.ChangedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        // After our own write: if this fails, the caller retries and the (idempotent) projection catches up.
        await GrainFactory.GetGrain<ISuppressionListGrain>(ContactKeys.SuppressionPartition(OrgId, To)).SetAsync(To, optedOut);
    }
}

[GenerateSerializer]
public sealed class ContactState
{
    [Id(0)] public bool OptedOut { get; set; }
    [Id(1)] public string? Source { get; set; }
    [Id(2)] public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>What the customer sent that the contact handled itself.</summary>
[GenerateSerializer]
public sealed class ContactInboundState
{
    /// <summary>The customer's open conversation on each channel: channel id → conversation id.</summary>
    [Id(0)] public Dictionary<Guid, Guid> OpenConversations { get; set; } = [];

    /// <summary>The last messages the contact handled itself (keywords, conversation openings), oldest first.</summary>
    [Id(1)] public List<HandledMessage> Handled { get; set; } = [];
}

/// <summary>A message the contact handled itself: a keyword, or the one that opened a conversation.</summary>
[GenerateSerializer]
public sealed class HandledMessage
{
    [Id(0)] public string ProviderMessageId { get; set; } = "";
    [Id(1)] public KeywordKind? Keyword { get; set; }
    [Id(2)] public Guid? ConversationId { get; set; }
}

public enum KeywordKind
{
    OptOut = 0,
    OptIn = 1,
    Help = 2,
}

/// <summary>Whether a message is one of the org's keywords: exactly one word of a list, any case, surrounding whitespace ignored.</summary>
public static class Keywords
{
    /// <summary>The kind and the word (upper case, for the consent's source); null if the message is not a keyword.</summary>
    public static (KeywordKind Kind, string Word)? Match(KeywordSettings keywords, string text)
    {
        var word = text.Trim();
        if (word.Length == 0)
        {
            return null;
        }

        foreach (var (kind, words) in new[] { (KeywordKind.OptOut, keywords.OptOut), (KeywordKind.OptIn, keywords.OptIn), (KeywordKind.Help, keywords.Help) })
        {
            if (!words.IsDefault && words.Any(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase)))
            {
                return (kind, word.ToUpperInvariant());
            }
        }

        return null;
    }
}
