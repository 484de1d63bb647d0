using Azure.Storage.Blobs;
using Outbound.Grains.Campaigns;

namespace Microsoft.Extensions.DependencyInjection;

public static class CampaignsServiceCollectionExtensions
{
    /// <summary>What campaigns read their audiences with: the blob service of the storage account the silo uses.</summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services, string storageConnectionString)
    {
        var options = new BlobClientOptions();
        // A stalled account surfaces as a failure the campaign retries, not as a grain call that times out.
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        options.Retry.MaxRetries = 2;
        return services.AddSingleton(new AudienceParts(new BlobServiceClient(storageConnectionString, options)));
    }
}
