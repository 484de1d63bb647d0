namespace Outbound.Grains.Storage;

/// <summary>
/// Lets a grain acknowledge many mutations with few storage writes: every caller awaits a write that started
/// after its own mutation, all callers that arrive while a write runs share the next one, and writes never
/// overlap (a second concurrent write of one state would fail its ETag check). One write costs about a
/// millisecond on Azure Table storage, so a hot grain that wrote once per call would be capped near a thousand
/// calls a second. (The pattern of the Orleans Chirper sample.)
/// </summary>
/// <remarks>
/// Mutate the state synchronously, then await <see cref="WriteAsync"/>; acknowledge only after it returns. The
/// write delegate reads the state when the write starts, so it stores every mutation made before then.
/// </remarks>
public sealed class CoalescingWriter(Func<Task> write, TimeProvider time)
{
    // The write under way, and the one that will start after it, shared by everyone who asked since it was planned.
    private Task? _outstanding;
    private Task? _next;

    /// <summary>
    /// Completes once a write that includes every mutation made before this call has been stored.
    /// <paramref name="gather"/> first waits that long for more mutations to share the write with.
    /// </summary>
    public Task WriteAsync(TimeSpan gather = default)
    {
        if (_next is { } planned)
        {
            return planned;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _next = done.Task;
        _ = RunAsync(done, gather);
        return done.Task;
    }

    /// <summary>
    /// Completes once the writes planned or under way are over: for a caller whose change is already in memory
    /// (another caller made the same one) and must not be acknowledged before it is stored.
    /// </summary>
    public Task WhenWrittenAsync() => _next ?? _outstanding ?? Task.CompletedTask;

    private async Task RunAsync(TaskCompletionSource done, TimeSpan gather)
    {
        try
        {
            if (gather > TimeSpan.Zero)
            {
                await Task.Delay(gather, time);
            }

            // A write already under way may have read the state before the mutations this one is for.
            if (_outstanding is { } previous)
            {
                try
                {
                    await previous;
                }
                catch
                {
                    // Its own callers see that failure; ours is decided by the write below.
                }
            }

            // From here on a caller's mutation may be missed by this write: later callers plan the next one.
            _next = null;
            var current = _outstanding = write();
            try
            {
                await current;
                done.SetResult();
            }
            finally
            {
                if (_outstanding == current)
                {
                    _outstanding = null;
                }
            }
        }
        catch (Exception e)
        {
            if (_next == done.Task)
            {
                _next = null;
            }

            done.TrySetException(e);
        }
    }
}
