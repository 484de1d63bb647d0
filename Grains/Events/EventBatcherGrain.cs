using Orleans.Concurrency;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Outbound.Events;
using Outbound.Grains.Storage;
using Outbound.Orgs;
using Outbound.Sending;

namespace Outbound.Grains.Events;

/// <summary>
/// The messages of triggered events for one outbound configuration (see <see cref="IEventBatcherGrain"/>). Messages
/// wait at most <see cref="Window"/> for company, then go in send requests of up to the org's contact limit. Which
/// messages make batch <c>k</c> is stored before the send, and batch <c>k</c> always has the same batch id, so a send
/// repeated after a crash replays the send path's first receipt instead of sending again. A batch leaves the state
/// only once its event logs have stored what became of its messages.
/// </summary>
/// <remarks>
/// Messages waiting for a batch are held in memory only: their logs store them until their outcome is recorded and
/// hand them over again after a crash (or when a hand-over has gone unanswered for a while), so storing them here
/// too would only rewrite this row on every hand-over. At most <see cref="MaxFormedBatches"/> batches are stored at
/// once, which keeps the row far below the table's 1 MiB whatever the backlog.
/// </remarks>
[Reentrant]
public sealed partial class EventBatcherGrain(
    [PersistentState("batcher", StorageNames.Events)] IPersistentState<EventBatcherState> state,
    TimeProvider time,
    ILogger<EventBatcherGrain> logger)
    : Grain, IEventBatcherGrain, IRemindable
{
    /// <summary>How long a message waits for others to share its send request.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    /// <summary>Batches formed and not yet settled, at most: the row holds them with their contacts.</summary>
    public const int MaxFormedBatches = 16;

    private const string ResumeReminder = "resume";
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QuotaCheckPeriod = TimeSpan.FromSeconds(5);

    /// <summary>Settled keys this activation remembers, for a hand-over still on its way when its batch settled.</summary>
    private const int RecentlySettledKept = 20_000;

    // Pending and formed messages' keys: a message handed over again while either is not taken twice.
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<(EventSend Send, DateTimeOffset At)> _pending = [];
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);
    private readonly Queue<string> _settledOrder = new();
    private CoalescingWriter? _writer;
    private TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? _oldestPendingAt;

    // When the org's quota allows requests again, after a refusal for it.
    private DateTimeOffset _quotaResetAt;
    private bool _running;
    private bool _reminderHeld;

    private Guid OrgId { get; set; }

    private Guid ConfigurationId { get; set; }

    private CoalescingWriter Writer => _writer ??= new CoalescingWriter(state.WriteOwnStateAsync, time);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (org, configuration) = CatalogKeys.ParseItem(this.GetPrimaryKeyString());
        (OrgId, ConfigurationId) = (org, configuration);
        // A row stored before waiting messages were kept in memory may still hold some.
        _pending.AddRange(state.State.Pending.Select(s => (s, DateTimeOffset.MinValue)));
        state.State.Pending.Clear();
        _keys.UnionWith(_pending.Select(p => p.Send.Key));
        _keys.UnionWith(state.State.Batches.SelectMany(b => b.Sends).Select(s => s.Key));
        if (_keys.Count > 0)
        {
            _reminderHeld = true;
            // What waited before a crash has waited long enough.
            _oldestPendingAt = DateTimeOffset.MinValue;
            Run();
        }

        return Task.CompletedTask;
    }

    public Task AddAsync(ImmutableArray<EventSend> sends)
    {
        var added = 0;
        var now = time.GetUtcNow();
        foreach (var send in sends)
        {
            if (!_settled.Contains(send.Key) && _keys.Add(send.Key))
            {
                _pending.Add((send, now));
                added++;
            }
        }

        if (added > 0)
        {
            _oldestPendingAt ??= now;
            if (_pending.Count >= OrgSettings.DefaultMaxContactsPerRequest)
            {
                _full.TrySetResult();
            }

            Run();
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_keys.Count > 0)
        {
            Run();
            return;
        }

        if (await this.GetReminder(ResumeReminder) is { } reminder && _keys.Count == 0 && state.State.Batches.Count == 0)
        {
            await this.UnregisterReminder(reminder);
            _reminderHeld = false;
        }
    }

    private void Run()
    {
        if (!_running)
        {
            _running = true;
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (_pending.Count > 0 || state.State.Batches.Count > 0)
            {
                var max = await MaxContactsAsync();
                var waited = time.GetUtcNow() - (_oldestPendingAt ?? time.GetUtcNow());
                if (state.State.Batches.Count == 0 && _pending.Count < max && waited < Window)
                {
                    await Task.WhenAny(Task.Delay(Window - waited, time), _full.Task);
                    continue;
                }

                _full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Form(max, partial: waited >= Window))
                {
                    if (!_reminderHeld)
                    {
                        // Before the batch is stored: once it is, a crash must still lead back here to settle it.
                        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
                        _reminderHeld = true;
                    }

                    await Writer.WriteAsync();
                }

                var sent = await Task.WhenAll(state.State.Batches.ToArray().Select(SendAsync));
                if (sent.Contains(false))
                {
                    // Not sooner than the quota allows, but looked at again every few seconds: a raised quota (or a
                    // clock that moved) is noticed, and a refused request stores nothing.
                    var wait = _quotaResetAt - time.GetUtcNow();
                    await Task.Delay(wait < RetryAfter ? RetryAfter : wait > QuotaCheckPeriod ? QuotaCheckPeriod : wait, time);
                }
            }
        }
        catch (Exception e)
        {
            // The reminder starts the run again.
            LogRunFailed(e, ConfigurationId);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>
    /// Moves pending messages into numbered batches of <paramref name="max"/>; with <paramref name="partial"/>, the
    /// rest too, in a smaller one (they have waited their window). Forms no more than <see cref="MaxFormedBatches"/>
    /// unsettled batches; the rest wait for the next round. True when a batch was formed (and must be stored).
    /// </summary>
    private bool Form(int max, bool partial)
    {
        var pending = _pending;
        var taken = 0;
        while ((pending.Count - taken >= max || (partial && pending.Count > taken)) && state.State.Batches.Count < MaxFormedBatches)
        {
            var count = Math.Min(max, pending.Count - taken);
            state.State.Batches.Add(new FormedBatch { Number = state.State.NextBatch++, Sends = [.. pending.GetRange(taken, count).Select(p => p.Send)] });
            taken += count;
        }

        pending.RemoveRange(0, taken);
        // Those left behind by full batches get their own window, from the oldest of them: more of them share a request.
        _oldestPendingAt = pending.Count == 0 ? null : pending[0].At;
        return taken > 0;
    }

    /// <summary>Sends one batch through the send path and reports its outcomes; false to try again later.</summary>
    private async Task<bool> SendAsync(FormedBatch batch)
    {
        try
        {
            var request = new SendRequest(ConfigurationId, [.. batch.Sends.Select(s => s.Contact)]);
            var receipt = await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, BatchId(batch.Number)))
                .AcceptAsync(request, RequestHash(batch));
            var outcomes = Outcomes(batch, receipt);
            if (outcomes.IsDefault)
            {
                if (receipt is { Status: ReceiptStatus.QuotaExceeded, Quota: { } quota })
                {
                    _quotaResetAt = quota.ResetAt;
                }

                LogNotYetAccepted(ConfigurationId, receipt.Status);
                return false;
            }

            await Task.WhenAll(outcomes.GroupBy(o => o.Partition).Select(g =>
                GrainFactory.GetGrain<IEventLogGrain>(EventKeys.Log(OrgId, g.Key)).RecordOutcomesAsync([.. g.Select(o => o.Outcome)])));
            state.State.Batches.Remove(batch);
            foreach (var key in batch.Sends.Select(s => s.Key))
            {
                _keys.Remove(key);
                Settled(key);
            }
            await Writer.WriteAsync();
            return true;
        }
        catch (Exception e)
        {
            LogSendFailed(e, ConfigurationId);
            return false;
        }
    }

    private void Settled(string key)
    {
        if (_settled.Add(key))
        {
            _settledOrder.Enqueue(key);
            if (_settledOrder.Count > RecentlySettledKept)
            {
                _settled.Remove(_settledOrder.Dequeue());
            }
        }
    }

    private static ImmutableArray<(int Partition, DispatchOutcome Outcome)> Outcomes(FormedBatch batch, SendReceipt receipt)
    {
        string? refused = receipt.Status switch
        {
            ReceiptStatus.Accepted => null,
            // Settled once more requests are allowed, the backlog drains or storage answers: the batch is sent again as it is.
            ReceiptStatus.QuotaExceeded or ReceiptStatus.Busy or ReceiptStatus.Unavailable => "",
            ReceiptStatus.ConfigurationNotFound => "The trigger's outbound configuration does not exist.",
            ReceiptStatus.ConfigurationInactive => "The trigger's outbound configuration is inactive.",
            ReceiptStatus.OrgDisabled => "The org is disabled.",
            ReceiptStatus.TooManyContacts => "The org takes fewer contacts per request than the batch held.",
            ReceiptStatus.TooLarge => "The batch's rendered messages were too large for one send request.",
            _ => $"The send path refused the batch ({receipt.Status}).",
        };
        if (refused == "")
        {
            return default;
        }

        return [.. batch.Sends.Select((s, i) =>
        {
            var result = refused is null && i < receipt.Results.Length ? receipt.Results[i] : null;
            var outcome = result is null
                ? new DispatchOutcome(s.Source, s.EventId, s.TriggerId, EventTriggerStatus.Invalid, null, refused ?? "The send path gave no result.")
                : new DispatchOutcome(s.Source, s.EventId, s.TriggerId, result.Status switch
                {
                    ContactStatus.Accepted => EventTriggerStatus.Sent,
                    ContactStatus.SkippedNoOptIn => EventTriggerStatus.SkippedNoOptIn,
                    ContactStatus.SkippedOptedOut => EventTriggerStatus.SkippedOptedOut,
                    _ => EventTriggerStatus.Invalid,
                }, result.MessageId, result.Reason);
            return (s.Partition, outcome);
        })];
    }

    private async Task<int> MaxContactsAsync()
    {
        var allowance = await GrainFactory.GetGrain<IOrgGrain>(OrgId).GetSendAllowanceAsync();
        return Math.Clamp(allowance?.Settings.MaxContactsPerRequest ?? OrgSettings.DefaultMaxContactsPerRequest, 1, OrgSettings.DefaultMaxContactsPerRequest);
    }

    /// <summary>Batch <paramref name="number"/> of this batcher has this id, always: the send path's idempotency key.</summary>
    private Guid BatchId(long number) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"events:{OrgId:N}:{ConfigurationId:N}:{number}")).AsSpan(0, 16));

    private static string RequestHash(FormedBatch batch) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', batch.Sends.Select(s => s.Key)))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a batch of event messages for configuration {ConfigurationId} failed; retrying")]
    private partial void LogSendFailed(Exception exception, Guid configurationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of event messages for configuration {ConfigurationId} was not accepted yet ({Status}); retrying")]
    private partial void LogNotYetAccepted(Guid configurationId, ReceiptStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event batcher of configuration {ConfigurationId} stopped; its reminder resumes it")]
    private partial void LogRunFailed(Exception exception, Guid configurationId);
}

/// <summary>A batcher's batches formed but not yet settled (messages waiting for a batch are kept in memory; see the grain).</summary>
[GenerateSerializer, Alias("Outbound.EventBatcherState")]
public sealed class EventBatcherState
{
    /// <summary>No longer written (always empty); read once from rows stored before.</summary>
    [Id(0)] public List<EventSend> Pending { get; set; } = [];
    [Id(1)] public List<FormedBatch> Batches { get; set; } = [];
    [Id(2)] public long NextBatch { get; set; }
}

[GenerateSerializer, Alias("Outbound.FormedBatch")]
public sealed class FormedBatch
{
    [Id(0)] public long Number { get; set; }
    [Id(1)] public List<EventSend> Sends { get; set; } = [];
}
