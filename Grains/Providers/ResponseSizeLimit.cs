using System.Buffers;
using System.Net.Http;

namespace Outbound.Grains.Providers;

/// <summary>
/// Reads a provider's response body up to a cap and drops the rest, inside the resilience pipeline (so the attempt
/// timeout covers the body too). A provider, or a host an endpoint names, can then neither fill the silo's memory
/// with an endless body nor hold a send open by trickling one.
/// </summary>
/// <remarks>A body cut short no longer parses: the provider treats it as the malformed answer it is.</remarks>
internal sealed class ResponseSizeLimit(int maxSuccessBytes, int maxErrorBytes = ResponseSizeLimit.DefaultMaxBytes) : DelegatingHandler
{
    /// <summary>64 KiB: far above any error, or any ACS answer (100 recipients' results take about a third of it).</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    private const int ChunkSize = 16 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var limit = response.IsSuccessStatusCode ? maxSuccessBytes : maxErrorBytes;
        var original = response.Content;
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var stream = await original.ReadAsStreamAsync(cancellationToken);
            while (body.Length < limit)
            {
                var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(ChunkSize, limit - body.Length)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                body.Write(chunk, 0, read);
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var capped = new ByteArrayContent(body.ToArray());
        foreach (var header in original.Headers)
        {
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        // Unread data is abandoned with the connection rather than drained.
        original.Dispose();
        response.Content = capped;
        return response;
    }
}
