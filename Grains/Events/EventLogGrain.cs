using Orleans.Concurrency;
using Orleans.Storage;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outbound.Events;
using Outbound.Grains.Storage;
using Outbound.Triggers;

namespace Outbound.Grains.Events;

/// <summary>
/// One partition of an org's events (see <see cref="IEventLogGrain"/>). A request's events are evaluated against the
/// org's triggers and stored, with the messages they call for, in one write before the answer; the messages are then
/// handed to the configurations' batchers. A reminder, held while any message is pending, brings the log back after a
/// crash to hand over again whatever was not settled (the batchers drop what they already took).
/// </summary>
/// <remarks>
/// The kept events are spread over <see cref="Segments"/> rows used as a ring: new events go to the head segment until
/// it took <see cref="SegmentEvents"/>, then the next one becomes the head and forgets its settled events (the oldest).
/// A write stores only the segments a request changed, so its size is a segment's, not the whole log's.
/// </remarks>
[Reentrant]
public sealed partial class EventLogGrain(
    [FromKeyedServices(StorageNames.Events)] IGrainStorage storage,
    TimeProvider time,
    ILogger<EventLogGrain> logger)
    : Grain, IEventLogGrain, IRemindable
{
    /// <summary>Events kept per log, for repeats and tracking, at most (at least <c>MaxRetained - SegmentEvents</c>); pending ones are always kept.</summary>
    public const int MaxRetained = 1_000;

    /// <summary>Rows the kept events are spread over; fixed, since stored logs are read by these names.</summary>
    public const int Segments = 8;

    /// <summary>New events a segment takes before the next one becomes the head.</summary>
    public const int SegmentEvents = MaxRetained / Segments;

    /// <summary>About how many bytes of waiting messages a log holds before it refuses more (its row holds under 1 MiB).</summary>
    public const int MaxPendingBytes = 384 * 1024;

    private const string ResumeReminder = "resume";
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(1);

    /// <summary>A message handed over this long ago and still unsettled is handed again: its batcher may have lost it.</summary>
    private static readonly TimeSpan HandAgainAfter = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string Source, string Id), (EventRecord Record, int Segment)> _byKey = [];
    private readonly GrainState<EventLogState>[] _segments = new GrainState<EventLogState>[Segments];
    private readonly CoalescingWriter?[] _writers = new CoalescingWriter?[Segments];
    private int _head;

    // Handed to a batcher by this activation, and when; after a crash everything pending is handed again. A batcher
    // keeps waiting messages in memory only, so one that restarted without this log is given them again after a while.
    private readonly Dictionary<(string Source, string Id, Guid TriggerId), DateTimeOffset> _handed = [];
    private IGrainTimer? _timer;
    private bool _reminderHeld;
    private bool _dispatching;
    private bool _dispatchAgain;
    private int _pendingBytes;

    private Guid OrgId { get; set; }

    private int Partition { get; set; }

    private IEnumerable<EventRecord> Records => Enumerable.Range(0, Segments).SelectMany(i => Segment(i).Events);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (OrgId, Partition) = EventKeys.ParseLog(this.GetPrimaryKeyString());
        await Task.WhenAll(Enumerable.Range(0, Segments).Select(async i =>
        {
            var segment = new GrainState<EventLogState>(new EventLogState());
            await storage.ReadStateAsync(SegmentName(i), this.GetGrainId(), segment);
            segment.State ??= new EventLogState();
            _segments[i] = segment;
        }));

        for (var i = 0; i < Segments; i++)
        {
            if (Segment(i).Generation > Segment(_head).Generation)
            {
                _head = i;
            }

            foreach (var record in Segment(i).Events)
            {
                _byKey[(record.Source, record.Id)] = (record, i);
                _pendingBytes += record.Triggers.Sum(PendingBytes);
            }
        }

        if (HasPending)
        {
            // The reminder that brought us back (or still runs) is held already.
            _reminderHeld = true;
            Dispatch();
        }
    }

    public async Task<AppendResult> AppendAsync(ImmutableArray<IncomingEvent> events)
    {
        var fresh = events.Where(e => !_byKey.ContainsKey((e.Source, e.Id))).ToArray();
        var triggers = fresh.Length == 0
            ? ImmutableDictionary<string, ImmutableDictionary<Guid, Trigger>>.Empty
            : await GrainFactory.GetGrain<ITriggerIndexGrain>(TriggerKeys.Index(OrgId)).ForTypesAsync([.. fresh.Select(e => e.Type).Distinct()]);
        if (_pendingBytes > MaxPendingBytes)
        {
            return new AppendResult(true, []);
        }

        // Decided after the await: another request may have taken one of these events meanwhile.
        var now = time.GetUtcNow();
        var taken = ImmutableArray.CreateBuilder<bool>(events.Length);
        var changed = new HashSet<int>();
        var repeated = new HashSet<int>();
        foreach (var e in events)
        {
            if (_byKey.TryGetValue((e.Source, e.Id), out var known))
            {
                repeated.Add(known.Segment);
                taken.Add(false);
                continue;
            }

            var record = new EventRecord { Id = e.Id, Source = e.Source, Type = e.Type, Time = e.Time, ReceivedAt = now };
            if (triggers.TryGetValue(e.Type, out var ofType))
            {
                using var data = e.Data is null ? null : JsonDocument.Parse(e.Data);
                foreach (var (triggerId, trigger) in ofType.OrderBy(t => t.Key))
                {
                    var outcome = TriggerRun.Run(triggerId, trigger, e, data?.RootElement, now);
                    _pendingBytes += PendingBytes(outcome);
                    record.Triggers.Add(outcome);
                }
            }

            var head = Head(changed);
            Segment(head).Events.Add(record);
            Segment(head).Appended++;
            changed.Add(head);
            _byKey[(e.Source, e.Id)] = (record, head);
            taken.Add(true);
        }

        if (HasPending && !_reminderHeld)
        {
            // Before the answer: once events are acknowledged, a crash must still lead back here to send them.
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderHeld = true;
        }

        // Repeats too: one of them may be in a write still under way.
        await Task.WhenAll(changed.Select(i => Writer(i).WriteAsync())
            .Concat(repeated.Except(changed).Select(i => Writer(i).WhenWrittenAsync())));
        Dispatch();
        return new AppendResult(false, taken.ToImmutable());
    }

    public Task<ImmutableArray<EventView>> GetAsync(string eventId)
    {
        var now = time.GetUtcNow();
        return Task.FromResult(Records
            .Where(r => r.Id == eventId)
            .Select(r => new EventView(r.Id, r.Source, r.Type, r.Time, r.ReceivedAt,
                [.. r.Triggers.Select(t => new TriggerOutcomeView(t.TriggerId, t.ConfigurationId, t.Status, t.MessageId, t.Reason, t.NotBefore > now ? t.NotBefore : null))]))
            .ToImmutableArray());
    }

    public async Task RecordOutcomesAsync(ImmutableArray<DispatchOutcome> outcomes)
    {
        var changed = new HashSet<int>();
        var repeated = new HashSet<int>();
        foreach (var o in outcomes)
        {
            if (!_byKey.TryGetValue((o.Source, o.EventId), out var known))
            {
                _handed.Remove((o.Source, o.EventId, o.TriggerId));
                continue;
            }

            // Already recorded (a replayed batch): that write may still be under way.
            repeated.Add(known.Segment);
            if (known.Record.Triggers.Find(t => t.TriggerId == o.TriggerId) is { Status: EventTriggerStatus.Pending } outcome)
            {
                changed.Add(known.Segment);
                _pendingBytes -= PendingBytes(outcome);
                outcome.Status = o.Status;
                outcome.MessageId = o.MessageId;
                outcome.Reason = o.Reason;
                outcome.Contact = null;
                outcome.NotBefore = null;
            }

            _handed.Remove((o.Source, o.EventId, o.TriggerId));
        }

        await Task.WhenAll(changed.Select(i => Writer(i).WriteAsync())
            .Concat(repeated.Except(changed).Select(i => Writer(i).WhenWrittenAsync())));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (HasPending)
        {
            var stale = time.GetUtcNow() - HandAgainAfter;
            foreach (var key in _handed.Where(h => h.Value < stale).Select(h => h.Key).ToList())
            {
                // The batcher drops a message it still holds (by key), so handing it again is safe.
                _handed.Remove(key);
            }

            Dispatch();
            return;
        }

        await Task.WhenAll(_writers.OfType<CoalescingWriter>().Select(w => w.WhenWrittenAsync()));
        if (!HasPending && await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _reminderHeld = false;
        }
    }

    private bool HasPending => _byKey.Count > 0 && Records.Any(r => !r.Settled);

    /// <summary>Hands every due pending message not yet handed to its batcher; runs one pass at a time.</summary>
    private void Dispatch()
    {
        if (_dispatching)
        {
            _dispatchAgain = true;
            return;
        }

        _dispatching = true;
        _ = DispatchLoopAsync();
    }

    private async Task DispatchLoopAsync()
    {
        try
        {
            do
            {
                _dispatchAgain = false;
                await DispatchDueAsync();
            }
            while (_dispatchAgain);
        }
        finally
        {
            _dispatching = false;
        }
    }

    private async Task DispatchDueAsync()
    {
        var now = time.GetUtcNow();
        var due = new List<(Guid ConfigurationId, EventSend Send)>();
        var waiting = false;
        foreach (var record in Records)
        {
            foreach (var t in record.Triggers)
            {
                if (t.Status != EventTriggerStatus.Pending || _handed.ContainsKey((record.Source, record.Id, t.TriggerId)))
                {
                    continue;
                }

                if (t.NotBefore > now)
                {
                    waiting = true;
                    continue;
                }

                due.Add((t.ConfigurationId, new EventSend($"{Partition}|{t.TriggerId:N}|{record.Source}|{record.Id}", Partition, record.Source, record.Id, t.TriggerId, t.Contact!)));
            }
        }

        var failed = false;
        await Task.WhenAll(due.GroupBy(d => d.ConfigurationId).Select(async group =>
        {
            var sends = group.Select(d => d.Send).ToImmutableArray();
            try
            {
                await GrainFactory.GetGrain<IEventBatcherGrain>(EventKeys.Batcher(OrgId, group.Key)).AddAsync(sends);
                var handedAt = time.GetUtcNow();
                foreach (var s in sends)
                {
                    _handed[(s.Source, s.EventId, s.TriggerId)] = handedAt;
                }
            }
            catch (Exception e)
            {
                failed = true;
                LogHandOverFailed(e, group.Key);
            }
        }));

        // Waiting messages (a delay) and failed hand-overs are looked at again every second while this activation lives;
        // the reminder covers the time after it.
        if (waiting || failed)
        {
            _timer ??= this.RegisterGrainTimer(_ => { Dispatch(); return Task.CompletedTask; }, new GrainTimerCreationOptions { DueTime = CheckPeriod, Period = CheckPeriod });
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>
    /// The segment a new event goes to. Once the head took <see cref="SegmentEvents"/>, the next segment becomes the
    /// head: it holds the oldest events, and forgets those that are settled (pending ones stay until they settle).
    /// </summary>
    private int Head(HashSet<int> changed)
    {
        if (Segment(_head).Appended < SegmentEvents)
        {
            return _head;
        }

        var next = (_head + 1) % Segments;
        var segment = Segment(next);
        segment.Events.RemoveAll(r =>
        {
            if (!r.Settled)
            {
                return false;
            }

            _byKey.Remove((r.Source, r.Id));
            return true;
        });
        segment.Generation = Segment(_head).Generation + 1;
        segment.Appended = 0;
        changed.Add(next);
        _head = next;
        return next;
    }

    private EventLogState Segment(int segment) => _segments[segment].State!;

    // The first segment keeps the name of the single row the log had before it had segments.
    private static string SegmentName(int segment) => segment == 0 ? "events" : $"events-{segment}";

    private CoalescingWriter Writer(int segment) =>
        _writers[segment] ??= new CoalescingWriter(() => WriteSegmentAsync(segment), time);

    /// <summary>As <see cref="OwnStateWrites"/>: only this activation writes its segments, so an ETag conflict means an
    /// earlier write of ours landed unheard; take the stored ETag and write again.</summary>
    private async Task WriteSegmentAsync(int segment)
    {
        var state = _segments[segment];
        try
        {
            await storage.WriteStateAsync(SegmentName(segment), this.GetGrainId(), state);
        }
        catch (InconsistentStateException)
        {
            var stored = new GrainState<EventLogState>(new EventLogState());
            await storage.ReadStateAsync(SegmentName(segment), this.GetGrainId(), stored);
            state.ETag = stored.ETag;
            state.RecordExists = stored.RecordExists;
            await storage.WriteStateAsync(SegmentName(segment), this.GetGrainId(), state);
        }
    }

    private static int PendingBytes(TriggerOutcome outcome) =>
        outcome is { Status: EventTriggerStatus.Pending, Contact: { } c }
            ? 128 + c.To.Length + (c.Locale?.Length ?? 0) + (c.EntityRelationshipName?.Length ?? 0) + c.ContextItems.Sum(i => i.Key.Length + i.Value.Length + 8)
            : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing event messages to the batcher of configuration {ConfigurationId} failed; retrying")]
    private partial void LogHandOverFailed(Exception exception, Guid configurationId);
}
