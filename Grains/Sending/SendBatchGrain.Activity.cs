using Microsoft.Extensions.Logging;
using Outbound.Activities;
using Outbound.Configurations;
using Outbound.Grains.Activities;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// The batch's messages as activity records: their rows in the report and timeline indexes, reconciliation of
/// messages the provider never settled, and removal at the end of the retention.
/// </summary>
public sealed partial class SendBatchGrain
{
    // The counts last written to the request's index row as settled; reactivation writes them once more.
    private StatusCounts? _settledSummary;

    public Task<StatusCounts?> GetStatusCountsAsync() =>
        Task.FromResult(state.RecordExists ? StatusCounts.Of(state.State.Messages.Select(m => m.Status)) : null);

    public async Task<bool> ReconcileAsync()
    {
        if (!state.RecordExists)
        {
            return true;
        }

        if (!state.State.Completed || !state.State.Indexed)
        {
            return false;
        }

        var pending = state.State.Messages.Where(m => !MessageStatusRules.IsFinal(m.Status)).ToList();
        if (pending.Count > 0)
        {
            if (await LookUpAsync(pending) is not { } reported)
            {
                return false;
            }

            var now = time.GetUtcNow();
            for (var i = 0; i < pending.Count; i++)
            {
                if (reported[i] is { } status && MessageStatusRules.IsFinal(status.Status))
                {
                    ApplyReportedStatus(pending[i], status.Status, null, status.ErrorCode, $"The provider reported the message {status.Status.ToString().ToLowerInvariant()} when asked.");
                }
                else
                {
                    pending[i].MoveTo(MessageStatus.Unknown, now);
                    pending[i].ErrorMessage = $"No final status came from the provider within {activitySettings.ReconcileAfter}.";
                }
            }

            await WriteProgressAsync();
        }

        await UpdateSummaryAsync();
        return true;
    }

    public async Task ExpireAsync()
    {
        if (state.RecordExists)
        {
            // Batches stored before last-outbound rows have hidden timeline rows too; deleting a row that is not there is a no-op.
            await activities.DeleteTimelineAsync(TimelineRows(withHidden: !state.State.LinkRows));
            await activities.DeleteLastOutboundAsync(LastOutboundRows(), _batchId);

            await state.ClearStateAsync();
            await inFlight.ClearStateAsync();
            await progress.ClearStateAsync();
        }

        if (await this.GetReminder(DeliveryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        DeactivateOnIdle();
    }

    /// <summary>Adds the request to the activity indexes (idempotent upserts) and makes sure its org is tracked.</summary>
    private async Task<bool> IndexAsync()
    {
        try
        {
            var counts = StatusCounts.Of(state.State.Messages.Select(m => m.Status));
            await Task.WhenAll(
                activities.UpsertBatchAsync(BatchRow.For(_orgId, _batchId, state.State.ConfigurationId, state.State.AcceptedAt, counts, settled: false, state.State.CampaignId)),
                activities.UpsertTimelineAsync(TimelineRows(withHidden: false).Concat(LastOutboundRows())));
            await GrainFactory.GetGrain<IActivityTrackerGrain>(_orgId).WatchAsync();
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Indexing the activity records of batch {BatchId} failed; will retry", _batchId);
            return false;
        }
    }

    /// <summary>Once every message is final, writes the request's counts to its index row (and again if a WhatsApp message is read).</summary>
    private async Task UpdateSummaryAsync()
    {
        if (!state.RecordExists || !state.State.Completed || !state.State.Indexed
            || !state.State.Messages.All(m => MessageStatusRules.IsFinal(m.Status)))
        {
            return;
        }

        var counts = StatusCounts.Of(state.State.Messages.Select(m => m.Status));
        if (counts == _settledSummary)
        {
            return;
        }

        try
        {
            await activities.UpsertBatchAsync(BatchRow.For(_orgId, _batchId, state.State.ConfigurationId, state.State.AcceptedAt, counts, settled: true, state.State.CampaignId));
            _settledSummary = counts;
        }
        catch (Exception e)
        {
            // The row stays unsettled: reports ask this grain for live counts, and the tracker will reconcile it.
            logger.LogWarning(e, "Writing the summary of batch {BatchId} failed", _batchId);
        }
    }

    /// <summary>
    /// The rows of the messages shown in the timeline: their customer's, and their regarding entity's when named.
    /// <paramref name="withHidden"/> adds the hidden rows that batches stored before last-outbound rows wrote.
    /// </summary>
    private IEnumerable<TimelineRow> TimelineRows(bool withHidden)
    {
        var hidden = !state.State.ShowInTimeline;
        if (hidden && !withHidden)
        {
            yield break;
        }

        foreach (var message in state.State.Messages)
        {
            var messageId = MessageIds.Format(_batchId, message.Index);
            var contactRow = ActivityTables.TimelineEntry(_orgId, TimelineKind.Contact, message.Message.To, state.State.AcceptedAt, messageId);
            contactRow.ChannelId = state.State.ChannelId;
            contactRow.Hidden = hidden;
            yield return contactRow;
            if (!hidden && !string.IsNullOrEmpty(message.RegardingEntity))
            {
                yield return ActivityTables.TimelineEntry(_orgId, TimelineKind.Regarding, message.RegardingEntity, state.State.AcceptedAt, messageId);
            }
        }
    }

    /// <summary>
    /// What a reply from each customer on the channel answers: a configuration's messages, shown or not. Direct
    /// messages (replies, confirmations) name no notification or case, so they leave the link as it was.
    /// </summary>
    private IEnumerable<TimelineRow> LastOutboundRows() => state.State.Purpose is null
        ? state.State.Messages.Select(m => ActivityTables.LastOutbound(_orgId, m.Message.To, state.State.ChannelId, state.State.AcceptedAt, MessageIds.Format(_batchId, m.Index)))
        : [];

    /// <summary>
    /// What the providers that carried <paramref name="messages"/> say about them (one entry each, null where they
    /// cannot tell), or null when asking failed and reconciliation should wait for the next sweep.
    /// </summary>
    private async Task<IReadOnlyList<ReportedStatus?>?> LookUpAsync(List<OutboundMessage> messages)
    {
        var binding = await ChannelsAsync();
        var reported = new ReportedStatus?[messages.Count];
        if (binding is null)
        {
            // Without the channel there are no credentials to ask with.
            return reported;
        }

        try
        {
            // Providers that cannot look a message up answer nulls (the sender asks them).
            foreach (var group in messages.Select((m, i) => (Message: m, Index: i)).GroupBy(x => CarrierOf(x.Message, binding)))
            {
                if (group.Key is not { } carrier)
                {
                    continue;
                }

                var statuses = await GrainFactory.GetGrain<ISenderGrain>(0).LookUpAsync(
                    carrier.ChannelId, carrier.Channel, [.. group.Select(x => x.Message.ProviderMessageId ?? "")]);
                foreach (var (item, status) in group.Zip(statuses))
                {
                    reported[item.Index] = status;
                }
            }

            return reported;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Looking up {Count} messages of batch {BatchId} at the provider failed", messages.Count, _batchId);
            return null;
        }
    }
}
