using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Outbound.Campaigns;
using Outbound.Catalog;
using Outbound.Sending;

namespace Outbound.Tests.Campaigns;

/// <summary>
/// Campaigns as the tests set them up: an audience written to blob storage as the upload writes it (part blobs of
/// <see cref="AudienceLine"/>s) and handed to the campaign grain, without the upload endpoint.
/// </summary>
public static class Audiences
{
    /// <summary>
    /// <paramref name="count"/> opted-in contacts, numbered from <paramref name="first"/>; each message's body names
    /// the run and the contact's number in the audience, so the ledger tells them apart.
    /// </summary>
    public static SendContact[] Contacts(string run, int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => new SendContact(
            $"+1415555{1000 + (i % 9000):D4}", true, null,
            ImmutableDictionary<string, string>.Empty.Add("CustomerName", "Ana").Add("CaseName", $"{run}-{i}-"), null))];

    /// <summary>Writes the contacts as an upload's part blobs and names the upload to the campaign.</summary>
    public static async Task<CampaignCommandResult> SetAsync(IGrainFactory grains, Guid orgId, Guid campaignId, IReadOnlyList<SendContact> contacts, int invalid = 0)
    {
        var uploadId = Guid.NewGuid();
        var container = new BlobServiceClient(TestEnvironment.StorageConnectionString).GetBlobContainerClient(AudienceBlobs.Container);
        await container.CreateIfNotExistsAsync();
        foreach (var (part, chunk) in contacts.Chunk(AudienceBlobs.PartSize).Select((c, i) => (i, c)))
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    AudienceLine.From((part * AudienceBlobs.PartSize) + i + 1, chunk[i]).WriteTo(writer);
                    writer.Flush();
                    writer.Reset();
                    buffer.WriteByte((byte)'\n');
                }
            }

            buffer.Position = 0;
            await container.GetBlobClient(AudienceBlobs.Part(orgId, campaignId, uploadId, part)).UploadAsync(buffer, overwrite: true);
        }

        var audience = new CampaignAudience(uploadId, contacts.Count + invalid, contacts.Count, invalid, DateTimeOffset.UtcNow);
        return await grains.GetGrain<ICampaignGrain>(CatalogKeys.Item(orgId, campaignId)).SetAudienceAsync(audience);
    }

    public static async Task<Guid> CreateCampaignAsync(this OrgClient org, Guid configuration, double? quotaShare = null, string name = "Spring sale") =>
        (await (await org.Http.PostAsJsonAsync("/v1/campaigns", new { name, configurationId = configuration, quotaShare })).Json(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    public static async Task<JsonObject> CampaignAsync(this OrgClient org, Guid id) =>
        await (await org.Http.GetAsync($"/v1/campaigns/{id}")).Json(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> CommandAsync(this OrgClient org, Guid id, string verb) =>
        org.Http.PostAsync($"/v1/campaigns/{id}/{verb}", null);

    public static string Status(this JsonObject campaign) => campaign["status"]!.GetValue<string>();

    public static int Number(this JsonObject campaign, string field) => campaign[field]!.GetValue<int>();

    /// <summary>The provider fake's ledger bodies of a run's messages, one per message sent.</summary>
    public static async Task<string[]> LedgerBodiesAsync(this ProviderFake.FakeServer providers, string run) =>
        [.. (await providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run, StringComparison.Ordinal))];

    /// <summary>Every contact of the run once and no contact twice: the contact numbers found in the ledger's bodies.</summary>
    public static async Task<int[]> ContactsSentAsync(this ProviderFake.FakeServer providers, string run) =>
        [.. (await providers.LedgerBodiesAsync(run)).Select(b => int.Parse(b.Split($"{run}-")[1].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture)).Order()];
}
