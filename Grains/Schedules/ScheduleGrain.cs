using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Outbound.Campaigns;
using Outbound.Configurations;
using Outbound.Grains.Catalog;
using Outbound.Hosting;
using Outbound.Schedules;
using Outbound.Sending;

namespace Outbound.Grains.Schedules;

/// <summary>
/// A schedule. Its reminder is the durable wake-up (it survives silo restarts, ticks at most once a minute and
/// not exactly on time); a grain timer set from it catches the occurrence on time. Either one calls
/// <see cref="RunDueAsync"/>, which sends the latest due occurrence through the send path under a batch id derived
/// from the occurrence: a tick that comes twice, or a retry after a crash between the send and the record of the
/// run, replays the first send instead of sending again.
/// </summary>
public sealed class ScheduleGrain(
    [PersistentState("schedule", StorageNames.Catalog)] IPersistentState<CatalogItemState<Schedule>> state,
    [PersistentState("scheduleRuns", StorageNames.Catalog)] IPersistentState<ScheduleRunsState> runs,
    TimeProvider time,
    ILogger<ScheduleGrain> logger)
    : CatalogItemGrain<Schedule>(state, time), IScheduleGrain, IRemindable
{
    public const int MaxNameLength = 200;

    /// <summary>Runs kept in the schedule's state, newest first.</summary>
    public const int KeptRuns = 20;

    private const string WakeUpReminder = "wake-up";

    // Reminders tick every minute at most; one that comes back every minute is also the retry of a failed run.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    // A far occurrence is reached in hops: the reminder wakes the grain, which arms the next hop.
    private static readonly TimeSpan MaxReminderWait = TimeSpan.FromHours(12);

    // Within this of an occurrence a timer waits for it, for a run on time rather than on the reminder's next tick.
    private static readonly TimeSpan TimerHorizon = TimeSpan.FromMinutes(2);

    // A send the send path could not take now (busy, storage unavailable) is tried again this soon.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    private ScheduleOccurrences? _occurrences;
    private IGrainReminder? _reminder;

    // The occurrence the registered reminder is for, and when it ticks first; null: this activation registered none.
    private (DateTimeOffset Next, DateTimeOffset DueAt)? _reminderArmed;
    private IGrainTimer? _timer;

    protected override CatalogKind Kind => CatalogKind.Schedule;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // The reminder is stored and needs no write here; only the timer, which lives in memory, is set again.
        if (NextRunAt() is { } next)
        {
            ArmTimer(next, Time.GetUtcNow());
        }
    }

    public Task<ScheduleView?> GetViewAsync()
    {
        if (Stored() is not { } stored)
        {
            return Task.FromResult<ScheduleView?>(null);
        }

        var next = NextRunAt();
        var status = !stored.Item.Enabled ? ScheduleStatus.Disabled
            : next is null ? ScheduleStatus.Completed
            : ScheduleStatus.Active;
        return Task.FromResult<ScheduleView?>(new ScheduleView(stored, status, next, [.. runs.State.Runs]));
    }

    public async Task RunDueAsync()
    {
        if (!Exists || !Item!.Enabled)
        {
            await ArmAsync();
            return;
        }

        var now = Time.GetUtcNow();
        var (latest, count) = Occurrences.Due(Cursor, now);
        if (latest is not { } occurrence)
        {
            await ArmAsync();
            return;
        }

        if (await SendAsync(occurrence, missed: count - 1, now) is not { } run)
        {
            ArmRetry();
            return;
        }

        var (previousCursor, previousRuns) = (runs.State.Cursor, runs.State.Runs);
        runs.State.Cursor = occurrence;
        runs.State.Runs = [run, .. previousRuns.Take(KeptRuns - 1)];
        try
        {
            await runs.WriteStateAsync();
        }
        catch
        {
            // Not recorded: the next tick finds the same occurrence due and replays its batch.
            (runs.State.Cursor, runs.State.Runs) = (previousCursor, previousRuns);
            ArmRetry();
            throw;
        }

        await ArmAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The tick may be the first hop of a far occurrence: arming again registers the next hop.
        _reminderArmed = null;
        await RunDueAsync();
    }

    protected override async Task<(Schedule Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(Schedule item, Schedule? existing)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (item.Name.Trim() is not { Length: > 0 and <= MaxNameLength })
        {
            errors["name"] = [$"name is required and at most {MaxNameLength} characters."];
        }

        var timing = ScheduleOccurrences.Check(item.Timing, existing?.Timing, Time.GetUtcNow(), errors);
        var configurationId = item.ConfigurationId;
        if (item.CampaignId is { } campaignId)
        {
            // A campaign sends through its own configuration: the schedule shows it, and may only repeat it.
            if (await GrainFactory.GetGrain<ICampaignGrain>(CatalogKeys.Item(OrgId, campaignId)).GetAsync() is not { } campaign)
            {
                errors["campaignId"] = [$"No campaign '{campaignId}' exists."];
            }
            else if (configurationId != Guid.Empty && configurationId != campaign.Item.ConfigurationId)
            {
                errors["configurationId"] = [$"A campaign's schedule sends through the campaign's configuration ('{campaign.Item.ConfigurationId}'); leave configurationId out."];
            }
            else
            {
                configurationId = campaign.Item.ConfigurationId;
            }
        }
        else if (await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(OrgId, configurationId)).GetAsync() is null)
        {
            errors["configurationId"] = [$"No outbound configuration '{configurationId}' exists."];
        }

        return (item with { Name = item.Name.Trim(), Timing = timing, ConfigurationId = configurationId }, errors.ToImmutableDictionary());
    }

    protected override async Task OnSavedAsync(Schedule? previous, Schedule current)
    {
        _occurrences = null;
        // Occurrences count from the save of a new timing, and from re-enabling: what passed meanwhile is not replayed.
        if (previous is null || previous.Timing != current.Timing || (!previous.Enabled && current.Enabled))
        {
            runs.State.Cursor = Time.GetUtcNow();
            await runs.WriteStateAsync();
        }

        await ArmAsync();
    }

    protected override async Task OnDeletedAsync(Schedule deleted)
    {
        _occurrences = null;
        await runs.ClearStateAsync();
        await ArmAsync();
    }

    private ScheduleOccurrences Occurrences =>
        _occurrences is { } cached && cached.Timing == Item!.Timing ? cached : _occurrences = ScheduleOccurrences.Of(Item!.Timing);

    // A schedule saved before its runs state was (a failed second write) counts from its last save.
    private DateTimeOffset Cursor => runs.State.Cursor ?? State.State.UpdatedAt;

    private DateTimeOffset? NextRunAt() => Exists && Item!.Enabled ? Occurrences.Next(Cursor) : null;

    /// <summary>Sends the occurrence; null when the send path could not take it now (nothing was decided: try again).</summary>
    private async Task<ScheduleRun?> SendAsync(DateTimeOffset occurrence, int missed, DateTimeOffset now)
    {
        var schedule = Item!;
        if (schedule.CampaignId is { } campaignId)
        {
            return await StartCampaignAsync(campaignId, occurrence, missed, now);
        }

        var (batchId, requestHash) = BatchFor(occurrence);
        SendReceipt receipt;
        try
        {
            receipt = await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, batchId))
                .AcceptAsync(new SendRequest(schedule.ConfigurationId, schedule.Contacts), requestHash);
        }
        catch (Exception e) when (StorageFaults.IsTransient(e) || e is TimeoutException)
        {
            logger.LogWarning(e, "Schedule {ScheduleId} of org {OrgId} could not send its occurrence {Occurrence}; it tries again", ItemId, OrgId, occurrence);
            return null;
        }

        if (receipt.Status is ReceiptStatus.Busy or ReceiptStatus.Unavailable)
        {
            return null;
        }

        var results = receipt.Results;
        return new ScheduleRun(
            occurrence, now, batchId, receipt.Status, missed,
            [.. results.Where(r => r.Status == ContactStatus.Accepted).Select(r => r.MessageId!)],
            results.Count(r => r.Status == ContactStatus.SkippedNoOptIn),
            results.Count(r => r.Status == ContactStatus.SkippedOptedOut),
            results.Count(r => r.Status == ContactStatus.Invalid));
    }

    /// <summary>
    /// Starts the campaign for the occurrence; null when it could not be asked now. Starting a running campaign is
    /// done, so a tick that comes twice starts it once.
    /// </summary>
    private async Task<ScheduleRun?> StartCampaignAsync(Guid campaignId, DateTimeOffset occurrence, int missed, DateTimeOffset now)
    {
        CampaignCommandResult result;
        try
        {
            result = await GrainFactory.GetGrain<ICampaignGrain>(CatalogKeys.Item(OrgId, campaignId)).StartAsync();
        }
        catch (Exception e) when (StorageFaults.IsTransient(e) || e is TimeoutException)
        {
            logger.LogWarning(e, "Schedule {ScheduleId} of org {OrgId} could not start campaign {CampaignId} for {Occurrence}; it tries again", ItemId, OrgId, campaignId, occurrence);
            return null;
        }

        return new ScheduleRun(occurrence, now, Guid.Empty, ReceiptStatus.Accepted, missed, [], 0, 0, 0) { CampaignStart = result };
    }

    /// <summary>
    /// The send request of an occurrence: its batch id and hash depend only on the schedule and the occurrence, so
    /// a repeat replays the first receipt even if the schedule's contacts were edited in between.
    /// </summary>
    private (Guid BatchId, string Hash) BatchFor(DateTimeOffset occurrence)
    {
        var name = $"schedule:{OrgId:N}:{ItemId:N}:{occurrence.UtcTicks}";
        return (new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)), name);
    }

    /// <summary>Sets the reminder and the timer for the next occurrence, or removes them when there is none.</summary>
    private async Task ArmAsync()
    {
        var now = Time.GetUtcNow();
        if (NextRunAt() is not { } next)
        {
            _timer?.Dispose();
            _timer = null;
            // Looking up a reminder this activation did not register reads the reminder table; done once, at the end.
            if ((_reminder ?? await this.GetReminder(WakeUpReminder)) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminder = null;
            _reminderArmed = null;
            return;
        }

        // A registration is a storage write: only when the occurrence changed or the registered tick has passed.
        if (_reminderArmed is not { } armed || armed.Next != next || armed.DueAt <= now)
        {
            var wait = Clamp(next - now, TimeSpan.FromSeconds(1), MaxReminderWait);
            _reminder = await this.RegisterOrUpdateReminder(WakeUpReminder, wait, ReminderPeriod);
            _reminderArmed = (next, now + wait);
        }

        ArmTimer(next, now);
    }

    private void ArmTimer(DateTimeOffset next, DateTimeOffset now)
    {
        _timer?.Dispose();
        _timer = null;
        if (next - now <= TimerHorizon)
        {
            _timer = this.RegisterGrainTimer(RunDueAsync, new GrainTimerCreationOptions
            {
                DueTime = Clamp(next - now, TimeSpan.Zero, TimerHorizon),
                Period = Timeout.InfiniteTimeSpan,
                KeepAlive = true,
            });
        }
    }

    private void ArmRetry()
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(RunDueAsync, new GrainTimerCreationOptions { DueTime = RetryDelay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}

/// <summary>What a schedule has run: stored beside the schedule, written once per run.</summary>
[GenerateSerializer]
public sealed class ScheduleRunsState
{
    /// <summary>Occurrences after this time are still to run: the last run's occurrence, or the time of the save that (re)started the schedule.</summary>
    [Id(0)] public DateTimeOffset? Cursor { get; set; }

    /// <summary>The last runs, newest first.</summary>
    [Id(1)] public List<ScheduleRun> Runs { get; set; } = [];
}
