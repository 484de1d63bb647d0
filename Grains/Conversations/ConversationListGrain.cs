using Orleans.Concurrency;
using Outbound.Conversations;

namespace Outbound.Grains.Conversations;

/// <summary>Pages over the org's rows of the conversation index; stateless, so lists spread over the silos.</summary>
[StatelessWorker]
[Reentrant]
public sealed class ConversationListGrain(ConversationIndex index) : Grain, IConversationListGrain
{
    public async Task<ConversationPage> ListAsync(ConversationStatus? status, string? cursor, int pageSize)
    {
        // One row more than asked tells whether there is a next page.
        var rows = await index.QueryAsync(this.GetPrimaryKey(), status, cursor, pageSize + 1);
        var page = rows.Take(pageSize).ToList();
        return new ConversationPage(
            [.. page.Select(r => new ConversationSummary(r.ConversationId, r.Customer, r.ChannelId, (ConversationStatus)r.Status, r.QueueId, r.AgentId, r.OpenedAt, r.LastMessageAt))],
            rows.Count > pageSize ? page[^1].RowKey : null);
    }
}
