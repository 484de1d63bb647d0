using Azure;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outbound.Activities;
using Outbound.Campaigns;
using Outbound.Configurations;
using Outbound.Grains.Catalog;
using Outbound.Hosting;
using Outbound.Orgs;
using Outbound.Sending;

namespace Outbound.Grains.Campaigns;

/// <summary>
/// A campaign. Running, a grain timer sends one 100-contact request per tick through the send path, under a batch
/// id derived from (campaign, upload, request number), and stores the position after each accepted request: a
/// restart resends at most the request in flight, which the send path replays instead of sending again. Ticks are
/// one request each so commands (pause, cancel) wait for one request at most; the view interleaves. A reminder
/// keeps a running campaign alive across silo restarts.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", StorageNames.Catalog)] IPersistentState<CatalogItemState<Campaign>> state,
    [PersistentState("campaignRun", StorageNames.Catalog)] IPersistentState<CampaignRunState> run,
    AudienceParts parts,
    TimeProvider time,
    ILogger<CampaignGrain> logger)
    : CatalogItemGrain<Campaign>(state, time), ICampaignGrain, IRemindable
{
    public const int MaxNameLength = 200;

    // Why a campaign paused itself (CampaignView.PausedReason): the send path's word for it, or the audience's.
    private const string AudienceMissing = "audience_missing";
    private const string AudienceUnreadable = "audience_unreadable";

    private const string KeepAliveReminder = "sending";

    // Reminders tick every minute at most: the longest a restarted silo leaves a running campaign idle.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    // A busy send path (its backlog share is full) frees up within a second or so.
    private static readonly TimeSpan BusyDelay = TimeSpan.FromSeconds(1);

    // Storage or a grain failed: nothing was decided, the same request goes again.
    private static readonly TimeSpan FailureDelay = TimeSpan.FromSeconds(5);

    // A long wait (for the next clock hour) is slept in steps that read the clock again, so a clock that jumps
    // (a test's, or a corrected one) is noticed within a step.
    private static readonly TimeSpan MaxWaitStep = TimeSpan.FromSeconds(5);

    private IGrainTimer? _timer;

    // The one part of the audience in memory: (upload, part number, its contacts).
    private (Guid Upload, int Part, ImmutableArray<SendContact> Contacts)? _part;

    // A state write failed (it may have landed): the stored state is read again before the next request.
    private bool _reload;

    // The last message counts read from the reports, and when: a progress page polled every second, or a list of
    // campaigns, reads the reports once in a while rather than on every view.
    private ((int Sent, int Delivered, int Failed) Counts, long ReadAt)? _counts;

    private static readonly TimeSpan CountsMaxAge = TimeSpan.FromSeconds(2);

    protected override CatalogKind Kind => CatalogKind.Campaign;

    private CampaignRunState Run => run.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Exists && Run.Status == CampaignStatus.Running)
        {
            ArmTimer(TimeSpan.Zero);
        }
    }

    public async Task<CampaignView?> GetViewAsync()
    {
        if (Stored() is not { } stored)
        {
            return null;
        }

        var now = Time.GetUtcNow();
        var current = Run;
        var (sent, delivered, failed) = current.StartedAt is { } startedAt ? await MessageCountsAsync(stored.Item, startedAt, now) : (0, 0, 0);
        var progress = new CampaignProgress(
            current.Audience?.Valid ?? 0, current.Accepted, current.SkippedNoOptIn, current.SkippedOptedOut,
            (current.Audience?.Invalid ?? 0) + current.Invalid, sent, delivered, failed);
        int? eta = current.Status is CampaignStatus.Running or CampaignStatus.Paused && current.Audience is { } audience
            ? CampaignEta.Seconds(audience.Requests - current.Position, current, stored.Item.QuotaShare, await HourlyLimitAsync(), now)
            : null;
        return new CampaignView(
            stored, current.Status, current.Audience, progress, current.Position, current.StartedAt, current.EndedAt,
            current.Status == CampaignStatus.Running && current.WaitingUntil > now ? current.WaitingUntil : null, eta)
        {
            PausedReason = current.Status == CampaignStatus.Paused ? current.PausedReason : null,
        };
    }

    public async Task<CampaignCommandResult> SetAudienceAsync(CampaignAudience audience)
    {
        if (!Exists)
        {
            return Result(CampaignCommandStatus.NotFound);
        }

        if (Run.Status is not (CampaignStatus.Draft or CampaignStatus.Ready))
        {
            return Result(CampaignCommandStatus.Conflict);
        }

        await CommitAsync(next =>
        {
            next.Status = CampaignStatus.Ready;
            next.Audience = audience;
            next.Position = 0;
        });
        _part = null;
        return Result(CampaignCommandStatus.Done);
    }

    public async Task<CampaignCommandResult> StartAsync()
    {
        if (!Exists)
        {
            return Result(CampaignCommandStatus.NotFound);
        }

        switch (Run.Status)
        {
            case CampaignStatus.Running:
                return Result(CampaignCommandStatus.Done);
            case CampaignStatus.Draft:
                return Result(CampaignCommandStatus.NoAudience);
            case CampaignStatus.Ready when Run.Audience is not { Valid: > 0 }:
                return Result(CampaignCommandStatus.NoAudience);
            case CampaignStatus.Ready:
                break;
            default:
                return Result(CampaignCommandStatus.Conflict);
        }

        var now = Time.GetUtcNow();
        await CommitAsync(next =>
        {
            next.Status = CampaignStatus.Running;
            next.StartedAt = now;
            next.Position = 0;
            next.Accepted = next.SkippedNoOptIn = next.SkippedOptedOut = next.Invalid = 0;
        });
        _counts = null;
        await KeepAliveAsync();
        ArmTimer(TimeSpan.Zero);
        return Result(CampaignCommandStatus.Done);
    }

    public async Task<CampaignCommandResult> PauseAsync()
    {
        if (!Exists)
        {
            return Result(CampaignCommandStatus.NotFound);
        }

        if (Run.Status != CampaignStatus.Running)
        {
            return Result(CampaignCommandStatus.Conflict);
        }

        await StopAsync(CampaignStatus.Paused, reason: null);
        return Result(CampaignCommandStatus.Done);
    }

    public async Task<CampaignCommandResult> ResumeAsync()
    {
        if (!Exists)
        {
            return Result(CampaignCommandStatus.NotFound);
        }

        if (Run.Status != CampaignStatus.Paused)
        {
            return Result(CampaignCommandStatus.Conflict);
        }

        await CommitAsync(next =>
        {
            next.Status = CampaignStatus.Running;
            next.PausedReason = null;
            next.WaitingUntil = null;
        });
        await KeepAliveAsync();
        ArmTimer(TimeSpan.Zero);
        return Result(CampaignCommandStatus.Done);
    }

    public async Task<CampaignCommandResult> CancelAsync()
    {
        if (!Exists)
        {
            return Result(CampaignCommandStatus.NotFound);
        }

        if (Run.Status is CampaignStatus.Completed or CampaignStatus.Cancelled)
        {
            return Result(CampaignCommandStatus.Conflict);
        }

        await StopAsync(CampaignStatus.Cancelled, reason: null);
        return Result(CampaignCommandStatus.Done);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Exists && Run.Status == CampaignStatus.Running)
        {
            // Activating armed the timer; a tick of a live activation finds it armed and leaves it.
            _timer ??= NewTimer(TimeSpan.Zero);
            return;
        }

        await DropKeepAliveAsync();
    }

    protected override async Task<(Campaign Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(Campaign item, Campaign? existing)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = item.Name.Trim();
        if (name is not { Length: > 0 and <= MaxNameLength })
        {
            errors["name"] = [$"name is required and at most {MaxNameLength} characters."];
        }

        if (!(item.QuotaShare > 0 && item.QuotaShare <= 1))
        {
            errors["quotaShare"] = ["quotaShare is the share of the org's hourly quota the campaign may use: above 0 and at most 1."];
        }

        if (existing is not null && existing.ConfigurationId != item.ConfigurationId && Run.Status is not (CampaignStatus.Draft or CampaignStatus.Ready))
        {
            errors["configurationId"] = ["configurationId cannot change once the campaign has started."];
        }
        else if (await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(OrgId, item.ConfigurationId)).GetAsync() is null)
        {
            errors["configurationId"] = [$"No outbound configuration '{item.ConfigurationId}' exists."];
        }

        return (item with { Name = name }, errors.ToImmutableDictionary());
    }

    protected override async Task OnDeletedAsync(Campaign deleted)
    {
        _timer?.Dispose();
        _timer = null;
        _part = null;
        await run.ClearStateAsync();
        await DropKeepAliveAsync();
        try
        {
            await parts.DeleteAllAsync(OrgId, ItemId);
        }
        catch (RequestFailedException e)
        {
            // The campaign is deleted all the same: blobs it no longer names cost storage, nothing else.
            logger.LogWarning(e, "The audience blobs of deleted campaign {CampaignId} of org {OrgId} were not all deleted", ItemId, OrgId);
        }
    }

    /// <summary>One tick of a running campaign: at most one request, then the timer is armed for the next tick.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        TimeSpan next;
        try
        {
            next = await SendNextAsync();
        }
        catch (Exception e)
        {
            // Whatever failed (storage, a grain, a blob read), nothing past the stored position counts: try again.
            logger.LogWarning(e, "Campaign {CampaignId} of org {OrgId} could not send request {Request}; it tries again", ItemId, OrgId, Run.Position);
            next = FailureDelay;
        }

        if (Exists && Run.Status == CampaignStatus.Running)
        {
            ArmTimer(next);
        }
    }

    /// <summary>Sends the request at the position, or waits; returns when the next tick should come.</summary>
    private async Task<TimeSpan> SendNextAsync()
    {
        if (_reload)
        {
            await run.ReadStateAsync();
            _reload = false;
        }

        if (!Exists || Run.Status != CampaignStatus.Running || Run.Audience is not { } audience)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var now = Time.GetUtcNow();
        if (Run.WaitingUntil is { } until && until > now)
        {
            return Min(until - now, MaxWaitStep);
        }

        var request = Run.Position;
        if (request >= audience.Requests)
        {
            await FinishAsync(now);
            return Timeout.InfiniteTimeSpan;
        }

        ImmutableArray<SendContact>? read;
        try
        {
            read = await ContactsAsync(audience, request);
        }
        catch (JsonException e)
        {
            // A part that does not parse will not parse on the next try either.
            logger.LogWarning(e, "Campaign {CampaignId} of org {OrgId}: the part of request {Request} is not readable; the campaign pauses", ItemId, OrgId, request);
            await StopAsync(CampaignStatus.Paused, AudienceUnreadable);
            return Timeout.InfiniteTimeSpan;
        }

        if (read is not { } contacts)
        {
            await StopAsync(CampaignStatus.Paused, AudienceMissing);
            return Timeout.InfiniteTimeSpan;
        }

        var campaign = Item!;
        var (batchId, hash) = BatchFor(audience.UploadId, request);
        var started = Time.GetTimestamp();
        SendReceipt receipt;
        try
        {
            receipt = await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, batchId))
                .AcceptAsync(new SendRequest(campaign.ConfigurationId, contacts) { Campaign = new CampaignSend(ItemId, campaign.QuotaShare) }, hash);
        }
        catch (Exception e) when (StorageFaults.IsTransient(e) || e is TimeoutException)
        {
            logger.LogWarning(e, "Campaign {CampaignId} of org {OrgId}: request {Request} could not be sent; it goes again", ItemId, OrgId, request);
            return FailureDelay;
        }

        switch (receipt.Status)
        {
            case ReceiptStatus.Accepted:
                await AcceptedAsync(receipt, now, Time.GetElapsedTime(started), audience);
                return Run.Status == CampaignStatus.Running ? TimeSpan.Zero : Timeout.InfiniteTimeSpan;
            case ReceiptStatus.CampaignShareUsed or ReceiptStatus.QuotaExceeded:
                // The share (or the whole quota) of this clock hour is used: nothing was taken; wait for the next hour.
                var resetAt = receipt.Quota?.ResetAt ?? NextHour(now);
                await CommitAsync(next => next.WaitingUntil = resetAt);
                return Min(resetAt - now, MaxWaitStep);
            case ReceiptStatus.Busy or ReceiptStatus.Unavailable:
                return BusyDelay;
            default:
                // Refused as such: the configuration is gone or inactive, the org disabled, or the request breaks a
                // limit (fewer contacts a request, messages too large to store). Sending on would skip contacts or
                // fail each request alike, so the campaign pauses and says why; resuming tries the same request.
                logger.LogWarning("Campaign {CampaignId} of org {OrgId}: request {Request} was refused ({Status}); the campaign pauses", ItemId, OrgId, request, receipt.Status);
                await StopAsync(CampaignStatus.Paused, Snake(receipt.Status.ToString()));
                return Timeout.InfiniteTimeSpan;
        }
    }

    private async Task AcceptedAsync(SendReceipt receipt, DateTimeOffset now, TimeSpan took, CampaignAudience audience)
    {
        var hour = HourOf(now);
        await CommitAsync(next =>
        {
            foreach (var result in receipt.Results)
            {
                switch (result.Status)
                {
                    case ContactStatus.Accepted: next.Accepted++; break;
                    case ContactStatus.SkippedNoOptIn: next.SkippedNoOptIn++; break;
                    case ContactStatus.SkippedOptedOut: next.SkippedOptedOut++; break;
                    default: next.Invalid++; break;
                }
            }

            next.Position++;
            next.WaitingUntil = null;
            next.HourRequests = next.HourStart == hour ? next.HourRequests + 1 : 1;
            next.HourStart = hour;
            next.PaceSeconds = next.PaceSeconds > 0 ? 0.9 * next.PaceSeconds + 0.1 * took.TotalSeconds : took.TotalSeconds;
            if (next.Position >= audience.Requests)
            {
                next.Status = CampaignStatus.Completed;
                next.EndedAt = now;
            }
        });

        if (Run.Status == CampaignStatus.Completed)
        {
            _part = null;
            await DropKeepAliveAsync();
        }
    }

    private async Task FinishAsync(DateTimeOffset now)
    {
        await CommitAsync(next =>
        {
            next.Status = CampaignStatus.Completed;
            next.EndedAt = now;
        });
        _part = null;
        await DropKeepAliveAsync();
    }

    private async Task StopAsync(CampaignStatus status, string? reason)
    {
        var now = Time.GetUtcNow();
        await CommitAsync(next =>
        {
            next.Status = status;
            next.PausedReason = reason;
            next.WaitingUntil = null;
            if (status == CampaignStatus.Cancelled)
            {
                next.EndedAt = now;
            }
        });
        _timer?.Dispose();
        _timer = null;
        _part = null;
        await DropKeepAliveAsync();
    }

    /// <summary>Applies <paramref name="change"/> to a copy of the state and stores it; on a failed write the state stays as it was.</summary>
    private async Task CommitAsync(Action<CampaignRunState> change)
    {
        var previous = run.State;
        var next = previous.Copy();
        change(next);
        run.State = next;
        try
        {
            await run.WriteStateAsync();
        }
        catch
        {
            run.State = previous;
            // The write may have landed (a timeout after it did): read what is stored before writing again.
            _reload = true;
            throw;
        }
    }

    /// <summary>The contacts of request <paramref name="request"/>, reading their part when it is not the one in memory.</summary>
    private async Task<ImmutableArray<SendContact>?> ContactsAsync(CampaignAudience audience, int request)
    {
        var (part, first) = AudienceBlobs.Locate(request);
        if (_part is not { } held || held.Upload != audience.UploadId || held.Part != part)
        {
            _part = null;
            if (await parts.ReadAsync(OrgId, ItemId, audience.UploadId, part) is not { } contacts)
            {
                return null;
            }

            _part = held = (audience.UploadId, part, contacts);
        }

        var count = Math.Min(AudienceBlobs.ContactsPerRequest, held.Contacts.Length - first);
        return count > 0 ? held.Contacts.Slice(first, count) : null;
    }

    /// <summary>
    /// The send request of request <paramref name="request"/> of an upload: its batch id and hash depend only on
    /// what it is, so a resend after a crash replays the first receipt instead of sending again.
    /// </summary>
    private (Guid BatchId, string Hash) BatchFor(Guid uploadId, int request)
    {
        var name = $"campaign:{OrgId:N}:{ItemId:N}:{uploadId:N}:{request}";
        return (new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)), name);
    }

    private async Task<(int Sent, int Delivered, int Failed)> MessageCountsAsync(Campaign campaign, DateTimeOffset startedAt, DateTimeOffset now)
    {
        if (_counts is { } cached && Time.GetElapsedTime(cached.ReadAt) < CountsMaxAge)
        {
            return cached.Counts;
        }

        var counts = await ReadMessageCountsAsync(campaign, startedAt, now);
        _counts = (counts, Time.GetTimestamp());
        return counts;
    }

    private async Task<(int Sent, int Delivered, int Failed)> ReadMessageCountsAsync(Campaign campaign, DateTimeOffset startedAt, DateTimeOffset now)
    {
        // A minute either side: the send path stamps acceptance with its own silo's clock.
        var query = new ReportQuery(campaign.ConfigurationId, startedAt.AddMinutes(-1), now.AddMinutes(1), ReportInterval.Day) { CampaignId = ItemId };
        var totals = (await GrainFactory.GetGrain<IActivityQueryGrain>(OrgId).GetReportAsync(query)).Totals;
        return (
            totals.Sent + totals.Delivered + totals.Undelivered + totals.Read + totals.Unknown,
            totals.Delivered + totals.Read,
            totals.Failed + totals.Undelivered);
    }

    private async Task<int> HourlyLimitAsync() =>
        (await GrainFactory.GetGrain<IOrgGrain>(OrgId).GetSendAllowanceAsync())?.Settings.MaxRequestsPerHour ?? OrgSettings.DefaultMaxRequestsPerHour;

    private async Task KeepAliveAsync() => await this.RegisterOrUpdateReminder(KeepAliveReminder, ReminderPeriod, ReminderPeriod);

    private async Task DropKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void ArmTimer(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (_timer is null)
        {
            _timer = NewTimer(dueTime);
        }
        else
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private IGrainTimer NewTimer(TimeSpan dueTime) =>
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });

    private CampaignCommandResult Result(CampaignCommandStatus status) =>
        new(status, status == CampaignCommandStatus.NotFound ? null : Run.Status);

    private static DateTimeOffset HourOf(DateTimeOffset instant) => CampaignEta.HourOf(instant);

    private static DateTimeOffset NextHour(DateTimeOffset instant) => HourOf(instant).AddHours(1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary><c>ConfigurationNotFound</c> as <c>configuration_not_found</c>, the API's way of naming a receipt's status.</summary>
    private static string Snake(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 8);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
