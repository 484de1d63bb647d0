using Outbound.Contacts;

namespace Outbound.Grains.Contacts;

/// <summary>A customer address: its consent record, written through to the org's suppression list.</summary>
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.Messages)] IPersistentState<ContactState> state,
    TimeProvider time)
    : Grain, IContactGrain
{
    public Task OptOutAsync(string source) => SetAsync(optedOut: true, source);

    public Task OptInAsync(string source) => SetAsync(optedOut: false, source);

    // Inbound messages arrive with #16 (conversations); until then nothing calls these.
    public Task<Outbound.Conversations.InboundReceipt> ReceiveAsync(Outbound.Conversations.InboundMessage message) =>
        throw new NotSupportedException("Inbound messages are not received yet.");

    public Task ConversationClosedAsync(Guid channelId, Guid conversationId) => Task.CompletedTask;

    public Task<ConsentRecord> GetConsentAsync() =>
        Task.FromResult(new ConsentRecord(To, state.State.OptedOut, state.State.Source, state.RecordExists ? state.State.ChangedAt : null));

    private string To => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/') + 1)..];

    private async Task SetAsync(bool optedOut, string source)
    {
        state.State.OptedOut = optedOut;
        state.State.Source = source;
        state.State.ChangedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        // After our own write: if this fails, the caller retries and the (idempotent) projection catches up.
        var key = this.GetPrimaryKeyString();
        var orgId = Guid.Parse(key.AsSpan(0, key.IndexOf('/')));
        await GrainFactory.GetGrain<ISuppressionListGrain>(ContactKeys.SuppressionPartition(orgId, To)).SetAsync(To, optedOut);
    }
}

[GenerateSerializer]
public sealed class ContactState
{
    [Id(0)] public bool OptedOut { get; set; }
    [Id(1)] public string? Source { get; set; }
    [Id(2)] public DateTimeOffset ChangedAt { get; set; }
}
