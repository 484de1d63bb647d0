using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Outbound.Campaigns;
using Outbound.Sending;

namespace Outbound.Grains.Campaigns;

/// <summary>
/// Reads the part blobs of an uploaded audience (<see cref="AudienceBlobs"/>), written by the gateway. A campaign
/// reads one part at a time and keeps only that one, so a million contacts never sit in a silo's memory.
/// </summary>
public sealed class AudienceParts(BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(AudienceBlobs.Container);

    /// <summary>The contacts of one part, in upload order; null when the part blob does not exist.</summary>
    public async Task<ImmutableArray<SendContact>?> ReadAsync(Guid orgId, Guid campaignId, Guid uploadId, int part, CancellationToken cancellationToken = default)
    {
        BinaryData content;
        try
        {
            content = (await _container.GetBlobClient(AudienceBlobs.Part(orgId, campaignId, uploadId, part)).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        var contacts = ImmutableArray.CreateBuilder<SendContact>(AudienceBlobs.PartSize);
        var rest = content.ToMemory().Span;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            if (!line.IsEmpty)
            {
                contacts.Add(AudienceLine.Parse(line).ToContact());
            }
        }

        return contacts.ToImmutable();
    }

    /// <summary>Deletes every upload of a campaign (its parts and row-error reports): the campaign itself is gone.</summary>
    public async Task DeleteAllAsync(Guid orgId, Guid campaignId)
    {
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = AudienceBlobs.CampaignPrefix(orgId, campaignId) }))
        {
            await _container.DeleteBlobIfExistsAsync(blob.Name);
        }
    }
}
