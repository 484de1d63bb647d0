using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Outbound.Grains;
using Outbound.Grains.Orgs;
using Outbound.Orgs;
using Outbound.Tests.Orgs;

namespace Outbound.Tests.Keys;

/// <summary>An org stored before keys had names and scopes keeps its key hash, as one admin key named "default".</summary>
public sealed class KeyMigrationTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OrgGrainCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_stored_key_hash_becomes_a_default_admin_key_that_keeps_its_id_across_activations()
    {
        var org = _cluster.Client.GetGrain<IOrgGrain>(Guid.NewGuid());
        var storage = _cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Catalog);
        var created = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await storage.WriteStateAsync("org", org.GetGrainId(), new GrainState<OrgState>(new OrgState { Name = "Contoso", CreatedAt = created, ApiKeyHashes = ["legacy-hash"] }));

        var migrated = Assert.Single(await org.ListApiKeysAsync());
        await _cluster.DeactivateAsync(org);
        await _cluster.WaitForDeactivationAsync(org);

        Assert.Equal(new ApiKeyInfo(migrated.Id, "default", ApiKeyScope.Admin, $"sk_{org.GetPrimaryKey():N}_", created, null), migrated);
        Assert.Equal(migrated, Assert.Single(await org.ListApiKeysAsync()));
        Assert.Equal(ApiKeyOutcome.Valid, (await org.VerifyApiKeyAsync(migrated.Id, "legacy-hash")).Outcome);
    }
}
