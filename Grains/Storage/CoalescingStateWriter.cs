namespace Outbound.Grains.Storage;

/// <summary>
/// Lets a <c>[Reentrant]</c> grain acknowledge many concurrent mutations with few storage writes: every caller
/// awaits a write that started after its own mutation, and all callers that arrive while a write is running
/// share the next one. One write costs about a millisecond on Azure Table storage, so a hot grain that wrote
/// once per call would be capped near a thousand calls a second. (The pattern of the Orleans Chirper sample.)
/// </summary>
/// <remarks>Mutate the state synchronously, then await <see cref="WriteAsync"/>; acknowledge only after it returns.</remarks>
public sealed class CoalescingStateWriter<TState>(IPersistentState<TState> state)
{
    private Task? _outstanding;

    /// <summary>Completes once a write that includes every mutation made before this call has been stored.</summary>
    public async Task WriteAsync()
    {
        // A write already under way may have serialized the state before our mutation: let it finish first.
        var current = _outstanding;
        if (current is not null)
        {
            try
            {
                await current;
            }
            catch
            {
                // Its own callers see that failure; ours is decided by the write below.
            }
            finally
            {
                if (_outstanding == current)
                {
                    _outstanding = null;
                }
            }
        }

        // Start the next write, or join one that another caller started after our mutation.
        current = _outstanding ??= state.WriteStateAsync();
        try
        {
            await current;
        }
        finally
        {
            if (_outstanding == current)
            {
                _outstanding = null;
            }
        }
    }
}
