using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Grains.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    /// <summary>The org-wide conversation index (on the same storage account as the grain state).</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services, TableServiceClient tables) =>
        services.AddSingleton(new ConversationIndex(tables));
}
