using System.Xml.Linq;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Outbound.Grains.Secrets;

/// <summary>
/// The Data Protection key ring in Azure Table storage, beside the grain state, so every silo of a service shares
/// one ring and a restarted silo still opens what an earlier one sealed. One row per key, in the service's
/// partition; each row holds the key's XML with its secret part wrapped by <see cref="KekXmlEncryptor"/>.
/// </summary>
/// <remarks>
/// Data Protection calls this synchronously, and rarely: at start, when it creates a key, and when it refreshes its
/// ring (daily, or on meeting an unknown key id). Reading rewraps entries an older key-encryption key wraps.
/// </remarks>
public sealed class TableXmlRepository(TableClient table, string partition, KeyEncryptionKeys keys) : IXmlRepository
{
    public const string TableName = "DataProtectionKeys";
    private const string XmlColumn = "Xml";

    private int _created;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureTable();
        var elements = new List<XElement>();
        foreach (var row in table.Query<TableEntity>(e => e.PartitionKey == partition))
        {
            var element = XElement.Parse(row.GetString(XmlColumn) ?? "<empty/>");
            if (KeyWrapping.Rewrap(element, keys))
            {
                Store(row.RowKey, element, row.ETag);
            }

            elements.Add(element);
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        EnsureTable();
        // Friendly names are "key-{guid}": unique, and valid as a row key.
        Store(friendlyName, element, etag: null);
    }

    private void Store(string rowKey, XElement element, ETag? etag)
    {
        var entity = new TableEntity(partition, rowKey) { [XmlColumn] = element.ToString(SaveOptions.DisableFormatting) };
        try
        {
            if (etag is { } known)
            {
                table.UpdateEntity(entity, known, TableUpdateMode.Replace);
            }
            else
            {
                table.AddEntity(entity);
            }
        }
        catch (RequestFailedException e) when (etag is not null && e.Status == 412)
        {
            // Another silo rewrapped it first.
        }
    }

    private void EnsureTable()
    {
        if (Interlocked.Exchange(ref _created, 1) == 0)
        {
            table.CreateIfNotExists();
        }
    }
}
