using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Outbound.Grains.Secrets;

namespace Microsoft.Extensions.DependencyInjection;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>One application name for every silo: Data Protection isolates payloads by it, and all silos must open each other's.</summary>
    public const string ApplicationName = "Outbound";

    /// <summary>
    /// Data Protection for the secrets tenants store: its key ring in <see cref="TableXmlRepository.TableName"/> on the
    /// grain-state account (a partition per <paramref name="serviceId"/>), each key wrapped by the key-encryption key
    /// of <c>DATA_PROTECTION_KEK</c>, and the <see cref="SecretSealer"/> that grains use.
    /// </summary>
    public static IServiceCollection AddSecrets(
        this IServiceCollection services, IConfiguration configuration, TableServiceClient tables, string serviceId, bool isDevelopment)
    {
        var keys = KeyEncryptionKeys.From(configuration, isDevelopment);
        services.AddSingleton(keys);
        services.AddSingleton<SecretSealer>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new TableXmlRepository(tables.GetTableClient(TableXmlRepository.TableName), serviceId, keys);
            o.XmlEncryptor = new KekXmlEncryptor(keys);
        });
        return services;
    }
}
