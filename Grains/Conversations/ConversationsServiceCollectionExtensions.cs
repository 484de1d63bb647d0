using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Grains.Storage;

namespace Outbound.Grains.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    /// <summary>The org-wide conversation index (on the same storage account as the grain state); needs AddActivities' group commit.</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services, TableServiceClient tables) =>
        services.AddSingleton(provider => new ConversationIndex(tables, provider.GetRequiredService<TableGroupCommit>()));
}
