using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Outbound.Campaigns;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Campaigns;

/// <summary>A campaign's audience as uploaded: what was read, and where the row-error report is.</summary>
/// <param name="UploadId">Names this upload; a new upload replaces the audience and has a new id.</param>
/// <param name="Rows">Rows read (the CSV header and blank lines not counted).</param>
/// <param name="Valid">Rows kept as contacts to send, in upload order.</param>
/// <param name="Invalid">Rows refused: each is in the row-error report with its row number, field and reason.</param>
/// <param name="ErrorsUrl">The row-error report (CSV: <c>row,field,reason</c>), downloadable while the audience is the campaign's.</param>
public sealed record AudienceResponse(Guid UploadId, int Rows, int Valid, int Invalid, DateTimeOffset UploadedAt, string ErrorsUrl);

/// <summary>The gateway's side of campaign audiences: where upload blobs go, and how many rows an audience may have.</summary>
/// <param name="maxRows"><c>AUDIENCE_MAX_ROWS</c>: rows an upload may have (1,000,000 by default).</param>
public sealed class AudienceStorage(BlobServiceClient blobs, int maxRows)
{
    private Task<BlobContainerClient>? _container;

    public int MaxRows => maxRows;

    /// <summary>The container, created at first use; a creation that failed is tried again by the next upload.</summary>
    public Task<BlobContainerClient> ContainerAsync()
    {
        var container = _container;
        if (container is null || container.IsFaulted || container.IsCanceled)
        {
            // Two uploads may both create it: creating an existing container changes nothing.
            _container = container = CreateAsync();
        }

        return container;
    }

    private async Task<BlobContainerClient> CreateAsync()
    {
        var container = blobs.GetBlobContainerClient(AudienceBlobs.Container);
        await container.CreateIfNotExistsAsync();
        return container;
    }
}

public static class AudienceApi
{
    public const string CsvMediaType = "text/csv";
    public const string JsonLinesMediaType = "application/jsonl";
    public const string NdJsonMediaType = "application/x-ndjson";

    /// <summary>Registers the blob client audiences are written with, from the gateway's storage connection string.</summary>
    public static IServiceCollection AddCampaignAudiences(this IServiceCollection services, GatewaySettings settings, IConfiguration configuration) =>
        services.AddSingleton(new AudienceStorage(
            new BlobServiceClient(settings.StorageConnectionString),
            configuration.GetValue("AUDIENCE_MAX_ROWS", AudienceReader.DefaultMaxRows) is > 0 and var max
                ? max
                : throw new InvalidOperationException("AUDIENCE_MAX_ROWS is at least 1.")));

    /// <summary><c>/v1/campaigns/{campaignId}/audience</c>: a campaign's contacts, uploaded as CSV or JSON Lines.</summary>
    public static RouteGroupBuilder MapCampaignAudience(this RouteGroupBuilder org)
    {
        var audience = org.MapGroup("/campaigns/{campaignId:guid}/audience").WithTags("Campaigns");
        audience.MapPut("", UploadAsync)
            .WithName("UploadCampaignAudience")
            .WithSummary("Upload a campaign's audience")
            .WithDescription("Replaces the audience of a campaign that has not started with the contacts of the body: CSV (text/csv) with a header row "
                + "(tocontactid, optin, locale, entityrelationshipname, then one column per slug value, or contextitems.{slug}), or JSON Lines "
                + "(application/jsonl or application/x-ndjson), one contact a line as the send API takes it. Up to 1,000,000 rows. Every row is checked as "
                + "a send request checks a contact, and tocontactid must be a valid E.164 number; refused rows are listed in the row-error report, the "
                + "others are kept in order. A body that cannot be read as a whole (no header, a row over 64 KiB, too many rows, not UTF-8) records nothing.")
            .Accepts<string>(CsvMediaType, JsonLinesMediaType, NdJsonMediaType)
            // Streamed row by row, never held whole: the limit only bounds how long an upload may take.
            .WithBodyLimit(BodyLimits.Audience)
            .Produces<AudienceResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        audience.MapGet("", GetAsync)
            .WithName("GetCampaignAudience")
            .WithSummary("Get a campaign's audience")
            .WithDescription("What the last upload read: rows, valid and invalid rows, and the link to its row-error report.")
            .Produces<AudienceResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        audience.MapGet("/errors", GetErrorsAsync)
            .WithName("GetCampaignAudienceErrors")
            .WithSummary("Download the audience's row-error report")
            .WithDescription("CSV with a header row, row,field,reason: one line per error of each refused row (a row may have several), in row order. "
                + "Row numbers count the rows of the upload from 1, the CSV header and blank lines not counted.")
            .Produces<string>(contentType: CsvMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return org;
    }

    private enum Format
    {
        Csv,
        JsonLines,
    }

    private static async Task<IResult> UploadAsync(
        Guid campaignId, HttpContext http, IGrainFactory grains, AudienceStorage storage, TimeProvider time, IOptions<JsonOptions> json)
    {
        if (FormatOf(http.Request.ContentType) is not { } format)
        {
            return Problem.Validation(StatusCodes.Status415UnsupportedMediaType, BadRequestExceptionHandler.ContentTypeField,
                $"An audience is CSV ({CsvMediaType}) or JSON Lines ({JsonLinesMediaType} or {NdJsonMediaType}), in UTF-8.");
        }

        // Before a byte of the body is read: an upload that cannot be recorded is refused at once.
        var orgId = http.OrgId();
        var campaign = grains.GetGrain<ICampaignGrain>(CatalogKeys.Item(orgId, campaignId));
        if (await campaign.GetViewAsync() is not { } view)
        {
            return NotFound(campaignId);
        }

        if (view.Status is not (CampaignStatus.Draft or CampaignStatus.Ready))
        {
            return Started(campaignId, view.Status);
        }

        var container = await storage.ContainerAsync();
        var uploadId = Guid.CreateVersion7(time.GetUtcNow());
        var writer = new AudienceBlobWriter(container, orgId, campaignId, uploadId);
        var configurationId = view.Stored.Item.ConfigurationId;
        var aborted = http.RequestAborted;
        AudienceCounts counts;
        try
        {
            counts = format == Format.Csv
                ? await AudienceReader.ReadCsvAsync(http.Request.Body, configurationId, storage.MaxRows, writer, aborted)
                : await AudienceReader.ReadJsonLinesAsync(http.Request.BodyReader, configurationId, storage.MaxRows, json.Value.SerializerOptions, writer, aborted);
            if (counts.Rows == 0)
            {
                throw new AudienceRefusedException(StatusCodes.Status422UnprocessableEntity, "body",
                    "The audience has no rows: a CSV header row and one row per contact, or one JSON object per line. Nothing was recorded.");
            }

            await writer.CompleteAsync(aborted);
        }
        catch (AudienceRefusedException refused)
        {
            await writer.AbandonAsync();
            return Problem.Validation(refused.Status, refused.Field, refused.Message);
        }
        catch (Exception)
        {
            // Cut off, too large, or storage failed: nothing names these blobs.
            await writer.AbandonAsync();
            throw;
        }

        var audience = new CampaignAudience(uploadId, counts.Rows, counts.Valid, counts.Invalid, time.GetUtcNow());
        var result = await campaign.SetAudienceAsync(audience);
        if (result.Status != CampaignCommandStatus.Done)
        {
            await AudienceBlobWriter.DeleteAsync(container, AudienceBlobs.Prefix(orgId, campaignId, uploadId));
            return result.Status == CampaignCommandStatus.NotFound ? NotFound(campaignId) : Started(campaignId, result.Current);
        }

        // The audience it replaces was never sent (the campaign had not started): nothing reads it any more.
        if (view.Audience is { } replaced && replaced.UploadId != uploadId)
        {
            await AudienceBlobWriter.DeleteAsync(container, AudienceBlobs.Prefix(orgId, campaignId, replaced.UploadId));
        }

        return Results.Ok(ToResponse(campaignId, audience));
    }

    private static async Task<IResult> GetAsync(Guid campaignId, HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<ICampaignGrain>(CatalogKeys.Item(http.OrgId(), campaignId)).GetViewAsync() switch
        {
            null => NotFound(campaignId),
            { Audience: null } => NoAudience(campaignId),
            { Audience: { } audience } => Results.Ok(ToResponse(campaignId, audience)),
        };

    private static async Task<IResult> GetErrorsAsync(Guid campaignId, HttpContext http, IGrainFactory grains, AudienceStorage storage)
    {
        var orgId = http.OrgId();
        switch (await grains.GetGrain<ICampaignGrain>(CatalogKeys.Item(orgId, campaignId)).GetViewAsync())
        {
            case null:
                return NotFound(campaignId);
            case { Audience: null }:
                return NoAudience(campaignId);
            case { Audience: { } audience }:
                var container = await storage.ContainerAsync();
                try
                {
                    var download = await container.GetBlobClient(AudienceBlobs.Errors(orgId, campaignId, audience.UploadId))
                        .DownloadStreamingAsync(cancellationToken: http.RequestAborted);
                    return Results.Stream(download.Value.Content, AudienceBlobWriter.ErrorsContentType, fileDownloadName: "errors.csv");
                }
                catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
                {
                    // Replaced between the two reads: the new audience's report is the one to ask for.
                    return Problem.NotFound($"Campaign '{campaignId}' has no row-error report for its audience; ask again, its audience may just have been replaced.");
                }
        }
    }

    private static Format? FormatOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type)
            || (HeaderUtilities.RemoveQuotes(type.Charset) is { HasValue: true } charset
                && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return type.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase) ? Format.Csv
            : type.MediaType.Equals(JsonLinesMediaType, StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals(NdJsonMediaType, StringComparison.OrdinalIgnoreCase) ? Format.JsonLines
            : null;
    }

    private static AudienceResponse ToResponse(Guid campaignId, CampaignAudience audience) => new(
        audience.UploadId, audience.Rows, audience.Valid, audience.Invalid, audience.UploadedAt,
        string.Create(CultureInfo.InvariantCulture, $"/v1/campaigns/{campaignId}/audience/errors"));

    private static IResult NotFound(Guid campaignId) => Problem.NotFound($"No campaign '{campaignId}' exists.");

    private static IResult NoAudience(Guid campaignId) => Problem.NotFound($"Campaign '{campaignId}' has no audience yet: upload one with PUT.");

    private static IResult Started(Guid campaignId, CampaignStatus? status) => Problem.Conflict(
        $"Campaign '{campaignId}' is {status?.ToString().ToLowerInvariant() ?? "started"}: its audience is fixed once it has started. Create a new campaign for a new audience.");
}
