using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Outbound.Campaigns;
using Outbound.Gateway.Reports;
using Outbound.Sending;

namespace Outbound.Gateway.Campaigns;

/// <summary>
/// Writes an upload's blobs as its rows are read: valid contacts into part blobs of
/// <see cref="AudienceBlobs.PartSize"/> lines, each uploaded while the next fills (so memory holds two parts at
/// most), and refused rows into <c>errors.csv</c>, staged in blocks as it grows.
/// </summary>
internal sealed class AudienceBlobWriter : IAudienceSink
{
    public const string PartContentType = "application/jsonl";
    public const string ErrorsContentType = "text/csv; charset=utf-8";

    // Grows to a part's size (about 1 MiB) only when the upload has that many contacts: a small upload stays small.
    private const int PartBufferBytes = 64 * 1024;
    private const int ErrorsFlushBytes = 1024 * 1024;

    private readonly BlobContainerClient _container;
    private readonly Guid _orgId, _campaignId, _uploadId;
    private ArrayBufferWriter<byte> _part = new(PartBufferBytes);
    private ArrayBufferWriter<byte>? _spare;
    private readonly Utf8JsonWriter _json;
    private int _lines, _parts;
    private Task? _uploading;
    private ArrayBufferWriter<byte>? _uploadingBuffer;
    private readonly ArrayBufferWriter<byte> _errors = new(64 * 1024);
    private Stream? _errorsBlob;

    public AudienceBlobWriter(BlobContainerClient container, Guid orgId, Guid campaignId, Guid uploadId)
    {
        (_container, _orgId, _campaignId, _uploadId) = (container, orgId, campaignId, uploadId);
        _json = new Utf8JsonWriter(_part);
        Encoding.UTF8.GetBytes("row,field,reason\n", _errors);
    }

    public async ValueTask AcceptAsync(int row, SendContact contact, CancellationToken cancellationToken)
    {
        AudienceLine.From(row, contact).WriteTo(_json);
        _json.Flush();
        // One JSON value a line: the writer starts afresh after each.
        _json.Reset();
        _part.Write("\n"u8);
        if (++_lines == AudienceBlobs.PartSize)
        {
            await UploadPartAsync(cancellationToken);
        }
    }

    public async ValueTask RefuseAsync(int row, string field, string reason, CancellationToken cancellationToken)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{row},{CsvCell.Text(field)},{CsvCell.Text(reason)}\n");
        Encoding.UTF8.GetBytes(line, _errors);
        if (_errors.WrittenCount >= ErrorsFlushBytes)
        {
            await FlushErrorsAsync(cancellationToken);
        }
    }

    /// <summary>Uploads what is left: the last part and the error report.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_lines > 0)
        {
            await UploadPartAsync(cancellationToken);
        }

        await WaitForUploadAsync();
        await FlushErrorsAsync(cancellationToken);
        await _errorsBlob!.DisposeAsync();
        _errorsBlob = null;
    }

    /// <summary>Removes whatever was written: the upload was refused or cut off, and nothing names it.</summary>
    public async Task AbandonAsync()
    {
        try
        {
            await WaitForUploadAsync();
        }
        catch (Exception)
        {
            // The part that failed is deleted with the rest, if it exists at all.
        }

        if (_errorsBlob is { } errors)
        {
            try
            {
                await errors.DisposeAsync();
            }
            catch (Exception)
            {
                // Committing the report failed: there is then less to delete.
            }
        }

        await DeleteAsync(_container, AudienceBlobs.Prefix(_orgId, _campaignId, _uploadId));
    }

    /// <summary>Deletes every blob of an upload, best effort: blobs no campaign names cost storage, nothing else.</summary>
    public static async Task DeleteAsync(BlobContainerClient container, string prefix)
    {
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, CancellationToken.None))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: CancellationToken.None);
            }
        }
        catch (Azure.RequestFailedException)
        {
            // Left for later: storage is unreachable, and the blobs are named by nothing.
        }
    }

    private async Task UploadPartAsync(CancellationToken cancellationToken)
    {
        await WaitForUploadAsync();
        var full = _part;
        _part = _spare ?? new ArrayBufferWriter<byte>(PartBufferBytes);
        _spare = null;
        _json.Reset(_part);
        _lines = 0;
        var blob = _container.GetBlobClient(AudienceBlobs.Part(_orgId, _campaignId, _uploadId, _parts++));
        _uploadingBuffer = full;
        _uploading = blob.UploadAsync(
            new BinaryData(full.WrittenMemory),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = PartContentType } },
            cancellationToken);
    }

    private async Task WaitForUploadAsync()
    {
        if (_uploading is not { } uploading)
        {
            return;
        }

        _uploading = null;
        await uploading;
        _uploadingBuffer!.ResetWrittenCount();
        _spare = _uploadingBuffer;
        _uploadingBuffer = null;
    }

    private async Task FlushErrorsAsync(CancellationToken cancellationToken)
    {
        _errorsBlob ??= await _container.GetBlobClient(AudienceBlobs.Errors(_orgId, _campaignId, _uploadId)).OpenWriteAsync(
            overwrite: true,
            new BlobOpenWriteOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ErrorsContentType } },
            cancellationToken);
        await _errorsBlob.WriteAsync(_errors.WrittenMemory, cancellationToken);
        _errors.ResetWrittenCount();
    }
}
