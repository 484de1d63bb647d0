using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Outbound.Grains.Activities;

namespace Microsoft.Extensions.DependencyInjection;

public static class ActivitiesServiceCollectionExtensions
{
    /// <summary>The activity indexes (on the same storage account as the grain state) and the tracking settings.</summary>
    public static IServiceCollection AddActivities(this IServiceCollection services, IConfiguration configuration, TableServiceClient tables) =>
        services
            .AddSingleton(new ActivityTables(tables))
            .AddSingleton(ActivitySettings.From(configuration));
}
