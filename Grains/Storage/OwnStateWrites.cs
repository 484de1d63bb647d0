using Orleans.Storage;

namespace Outbound.Grains.Storage;

/// <summary>Writes of a state that only its own activation ever writes.</summary>
public static class OwnStateWrites
{
    /// <summary>
    /// Writes the state; on an ETag conflict, which for such a state can only mean that an earlier write of ours
    /// landed though we never heard back (a timeout during a storage stall), takes the stored ETag and writes again,
    /// keeping what is in memory. Without this, every later write would fail the same way for the life of the activation.
    /// </summary>
    public static async Task WriteOwnStateAsync<T>(this IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            var mine = state.State;
            await state.ReadStateAsync();
            state.State = mine;
            await state.WriteStateAsync();
        }
    }
}
