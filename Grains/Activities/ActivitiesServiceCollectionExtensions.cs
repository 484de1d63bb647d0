using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Outbound.Grains.Activities;
using Outbound.Grains.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class ActivitiesServiceCollectionExtensions
{
    /// <summary>The activity indexes (on the same storage account as the grain state) and the tracking settings.</summary>
    public static IServiceCollection AddActivities(this IServiceCollection services, IConfiguration configuration, TableServiceClient tables) =>
        services
            .AddSingleton<TableGroupCommit>()
            .AddSingleton<IActivityStore>(provider => new TableActivityStore(tables, provider.GetRequiredService<TableGroupCommit>()))
            .AddSingleton(ActivitySettings.From(configuration));
}
