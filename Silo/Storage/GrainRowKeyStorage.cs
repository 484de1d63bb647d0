using System.Globalization;
using System.Runtime.CompilerServices;
using Orleans.Storage;

namespace Outbound.Silo.Storage;

/// <summary>
/// Gives every grain's state a row key of its own (<c>{state}.{grain hash}</c>) in a store that would otherwise key
/// it by the state name alone. Orleans' Azure Table storage writes partition = service + grain, row = state name,
/// so every send batch's <c>batch</c> row has the same RowKey. Table storage looks a row up by both keys and does
/// not mind; Azurite (local runs, CI, the benchmark) looks it up by RowKey first and then scans for the partition,
/// so each read and write costs time in proportion to the batches stored, enough to stall it within minutes at the
/// benchmark's rate (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Rows written before this layout (row key = state name) stay readable: when <paramref name="legacyRows"/> says
/// the table holds some, a state not found under its own key is read from the old one, and that grain keeps
/// writing there. A table that started with this layout never pays that second read.
/// </remarks>
public sealed class GrainRowKeyStorage(IGrainStorage inner, Func<Task<bool>> legacyRows) : IGrainStorage
{
    // The grain states (one object per activation and state, passed on every call) whose row is in the old layout.
    private readonly ConditionalWeakTable<object, object> _legacy = [];

    private Task<bool>? _legacyRows;

    // The grain hash is Orleans' stable uniform one (the reminder table stores it too), so row keys survive upgrades.
    private static string RowName(string stateName, GrainId grainId) =>
        string.Create(CultureInfo.InvariantCulture, $"{stateName}.{grainId.GetUniformHashCode():x8}");

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.ReadStateAsync(RowName(stateName, grainId), grainId, grainState);
        if (!grainState.RecordExists && await LegacyRowsAsync())
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
            if (grainState.RecordExists)
            {
                _legacy.AddOrUpdate(grainState, grainState);
            }
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(Name(stateName, grainId, grainState), grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(Name(stateName, grainId, grainState), grainId, grainState);

    private string Name(string stateName, GrainId grainId, object grainState) =>
        _legacy.TryGetValue(grainState, out _) ? stateName : RowName(stateName, grainId);

    private Task<bool> LegacyRowsAsync()
    {
        // Asked once; again only if asking failed (storage down at start-up), as asking twice is harmless.
        var answer = _legacyRows;
        if (answer is null || answer.IsFaulted || answer.IsCanceled)
        {
            _legacyRows = answer = legacyRows();
        }

        return answer;
    }
}
