using System.Security.Cryptography;
using Outbound.Orgs;

namespace Outbound.Grains.Orgs;

/// <summary>An org: profile, settings and the hashes of its API keys. The per-org hourly quota will live here too.</summary>
public sealed class OrgGrain(
    [PersistentState("org", StorageNames.Catalog)] IPersistentState<OrgState> state,
    TimeProvider time)
    : Grain, IOrgGrain
{
    public async Task<bool> CreateAsync(string name, string apiKeyHash)
    {
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new OrgState { Name = name, Settings = new OrgSettings(), CreatedAt = time.GetUtcNow(), ApiKeyHashes = [apiKeyHash] };
        await state.WriteStateAsync();
        return true;
    }

    public Task<OrgProfile?> GetAsync() =>
        Task.FromResult(state.RecordExists ? new OrgProfile(this.GetPrimaryKey(), state.State.Name, state.State.Settings, state.State.CreatedAt) : null);

    public Task<bool> VerifyApiKeyAsync(string apiKeyHash)
    {
        var candidate = System.Text.Encoding.ASCII.GetBytes(apiKeyHash);
        var match = false;
        foreach (var stored in state.State.ApiKeyHashes)
        {
            // Fixed-time so that response timing reveals nothing about how much of a hash matched.
            match |= CryptographicOperations.FixedTimeEquals(candidate, System.Text.Encoding.ASCII.GetBytes(stored));
        }

        return Task.FromResult(state.RecordExists && match);
    }
}

[GenerateSerializer]
public sealed class OrgState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public OrgSettings Settings { get; set; } = new();
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>SHA-256 hashes (hex) of the org's API keys; the keys themselves are never stored.</summary>
    [Id(3)] public List<string> ApiKeyHashes { get; set; } = [];
}
