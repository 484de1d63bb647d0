using Microsoft.Extensions.Logging;
using Outbound.Activities;
using Outbound.Sending;

namespace Outbound.Grains.Activities;

/// <summary>Where the org's reconciliation has got to.</summary>
[GenerateSerializer]
public sealed class ActivityTrackerState
{
    /// <summary>Every request row before this one is settled: later sweeps start here.</summary>
    [Id(0)] public string ReconciledThrough { get; set; } = "";
}

/// <summary>
/// One per org. A reminder wakes it every minute (a timer, every <see cref="ActivitySettings.SweepInterval"/>,
/// while it is active); each sweep reconciles requests past <see cref="ActivitySettings.ReconcileAfter"/> that are
/// still unsettled and expires those past <see cref="ActivitySettings.Retention"/>. Both are range scans of the
/// org's request index, so the cost grows with requests, never with messages.
/// </summary>
public sealed class ActivityTrackerGrain(
    [PersistentState("tracker", StorageNames.Messages)] IPersistentState<ActivityTrackerState> state,
    IActivityStore activities,
    ActivitySettings settings,
    TimeProvider time,
    ILogger<ActivityTrackerGrain> logger)
    : Grain, IActivityTrackerGrain, IRemindable
{
    private const string SweepReminder = "sweep";
    private const int MaxBatchesPerSweep = 2_000;
    private const int Parallelism = 16;

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private bool _watching;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The reminder's period is a minute at least; shorter sweeps (tests, tight reconciliation) take a timer too.
        if (settings.SweepInterval < ReminderPeriod)
        {
            this.RegisterGrainTimer(_ => SweepAsync(), new GrainTimerCreationOptions { DueTime = settings.SweepInterval, Period = settings.SweepInterval });
        }

        return Task.CompletedTask;
    }

    public async Task WatchAsync()
    {
        if (!_watching)
        {
            // Once per activation: the reminder survives restarts and brings the tracker back.
            await this.RegisterOrUpdateReminder(SweepReminder, ReminderPeriod, ReminderPeriod);
            _watching = true;
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepAsync();

    public async Task SweepAsync()
    {
        var orgId = this.GetPrimaryKey();
        var now = time.GetUtcNow();
        try
        {
            await ReconcileAsync(orgId, now);
            await ExpireAsync(orgId, now);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Activity sweep of org {OrgId} failed; the next one retries", orgId);
        }
    }

    private async Task ReconcileAsync(Guid orgId, DateTimeOffset now)
    {
        var due = ActivityTables.BatchRowKeyBound(now - settings.ReconcileAfter);
        var rows = new List<BatchRow>();
        await foreach (var row in activities.QueryBatchesAsync(orgId, state.State.ReconciledThrough, due, unsettledOnly: true))
        {
            rows.Add(row);
            if (rows.Count == MaxBatchesPerSweep)
            {
                break;
            }
        }

        string? firstUnsettled = null;
        foreach (var chunk in rows.Chunk(Parallelism))
        {
            var settled = await Task.WhenAll(chunk.Select(row =>
                GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, row.BatchId)).ReconcileAsync()));
            firstUnsettled ??= chunk.Zip(settled).FirstOrDefault(pair => !pair.Second).First?.RowKey;
        }

        // A request still delivering (or whose provider could not be asked) holds the mark, so it is seen again.
        var through = firstUnsettled ?? (rows.Count == MaxBatchesPerSweep ? rows[^1].RowKey : due);
        if (string.CompareOrdinal(through, state.State.ReconciledThrough) > 0)
        {
            state.State.ReconciledThrough = through;
            await state.WriteStateAsync();
        }
    }

    private async Task ExpireAsync(Guid orgId, DateTimeOffset now)
    {
        var expired = new List<BatchRow>();
        await foreach (var row in activities.QueryBatchesAsync(orgId, "", ActivityTables.BatchRowKeyBound(now - settings.Retention)))
        {
            expired.Add(row);
            if (expired.Count == MaxBatchesPerSweep)
            {
                break;
            }
        }

        foreach (var chunk in expired.Chunk(Parallelism))
        {
            await Task.WhenAll(chunk.Select(async row =>
            {
                await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, row.BatchId)).ExpireAsync();
                await activities.DeleteBatchAsync(orgId, row.RowKey);
            }));
        }

        if (expired.Count > 0)
        {
            logger.LogInformation("Removed the activity records of {Count} requests of org {OrgId} past the retention", expired.Count, orgId);
        }
    }
}
