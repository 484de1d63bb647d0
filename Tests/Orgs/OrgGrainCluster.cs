using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Outbound.Grains;

namespace Outbound.Tests.Orgs;

/// <summary>One in-process silo for tests of the OrgGrain alone: catalog storage in memory, stored as JSON as in production.</summary>
internal static class OrgGrainCluster
{
    public static async Task<InProcessTestCluster> StartAsync(TimeProvider? time = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Catalog);
            silo.UseSystemTextJsonGrainStorageSerializer();
            if (time is not null)
            {
                silo.Services.AddSingleton(time);
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
