using Outbound.Contacts;

namespace Outbound.Grains.Contacts;

/// <summary>One slice of an org's opted-out numbers (a projection of the ContactGrains' consent records).</summary>
public sealed class SuppressionListGrain(
    [PersistentState("suppression", StorageNames.Messages)] IPersistentState<SuppressionListState> state)
    : Grain, ISuppressionListGrain
{
    public async Task SetAsync(string to, bool optedOut)
    {
        var changed = optedOut ? state.State.OptedOut.Add(to) : state.State.OptedOut.Remove(to);
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> OptedOutAsync(ImmutableArray<string> numbers) =>
        Task.FromResult(numbers.Where(state.State.OptedOut.Contains).ToImmutableArray());
}

[GenerateSerializer]
public sealed class SuppressionListState
{
    [Id(0)] public HashSet<string> OptedOut { get; set; } = [];
}
