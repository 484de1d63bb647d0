using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Campaigns;

/// <summary>What one audience upload measured.</summary>
/// <param name="Seconds">From the first byte sent to the 200: reading, checking and storing every row.</param>
public sealed record AudienceResult(int Rows, int Valid, int Invalid, double BodyMiB, double Seconds, double RowsPerSecond);

/// <summary>
/// Uploads one generated CSV audience of <see cref="BenchOptions.AudienceRows"/> rows to a new campaign, streamed as it
/// is generated (the bench holds no file), and measures how fast the gateway reads, checks and stores it.
/// </summary>
public sealed class AudienceScenario(BenchOptions options, TextWriter log)
{
    /// <summary>One row in this many has a number that is not E.164, so the row-error report is written too.</summary>
    public const int InvalidEvery = 1_000;

    public async Task<AudienceResult> RunAsync(HttpClient gateway, Tenant tenant, CancellationToken cancellationToken) =>
        await UploadAsync(gateway, tenant, await CreateCampaignAsync(gateway, tenant, "Bench audience", tenant.ConfigurationId, null, cancellationToken), cancellationToken);

    /// <summary>Creates a campaign (<c>POST /v1/campaigns</c>) and returns its id; <paramref name="quotaShare"/> null keeps the default.</summary>
    public static async Task<Guid> CreateCampaignAsync(
        HttpClient gateway, Tenant tenant, string name, Guid configurationId, double? quotaShare, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/campaigns")
        {
            Content = JsonContent.Create(new { name, configurationId, quotaShare }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        using var created = await gateway.SendAsync(create, cancellationToken);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetGuid();
    }

    /// <summary>Uploads the generated CSV of <see cref="BenchOptions.AudienceRows"/> rows to <paramref name="campaign"/> and measures it.</summary>
    public async Task<AudienceResult> UploadAsync(HttpClient gateway, Tenant tenant, Guid campaign, CancellationToken cancellationToken)
    {
        var content = new GeneratedCsv(options.AudienceRows);
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/v1/campaigns/{campaign}/audience") { Content = content };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  audience: uploading {options.AudienceRows:N0} CSV rows to campaign {campaign}"));
        var clock = Stopwatch.StartNew();
        // A million rows take longer than the bench client's default timeout for one request.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        using var answer = await SendLongAsync(upload, timeout.Token);
        var text = await answer.Content.ReadAsStringAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (answer.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upload was answered {(int)answer.StatusCode}: {text}");
        }

        var summary = JsonDocument.Parse(text).RootElement;
        var result = new AudienceResult(
            summary.GetProperty("rows").GetInt32(), summary.GetProperty("valid").GetInt32(), summary.GetProperty("invalid").GetInt32(),
            content.BytesWritten / (1024.0 * 1024), seconds, summary.GetProperty("rows").GetInt32() / seconds);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  audience: {result.Rows:N0} rows ({result.Valid:N0} valid, {result.Invalid:N0} invalid), {result.BodyMiB:F0} MiB in {result.Seconds:F1} s = {result.RowsPerSecond:N0} rows/s"));
        return result;
    }

    private async Task<HttpResponseMessage> SendLongAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
        {
            BaseAddress = options.Gateway,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Distinct valid US numbers, as E.164; every <see cref="InvalidEvery"/>th row a number without its +.</summary>
    public static string Number(int row) =>
        row % InvalidEvery == 0 ? string.Create(CultureInfo.InvariantCulture, $"1415{2_000_000 + row}") : string.Create(CultureInfo.InvariantCulture, $"+1415{2_000_000 + row}");

    /// <summary>The row <see cref="Number"/> gave <paramref name="number"/>, or null for a number it never gives.</summary>
    public static int? Row(string? number) =>
        number is { Length: 12 } && number.StartsWith("+1415", StringComparison.Ordinal)
            && int.TryParse(number.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 2_000_000
            ? n - 2_000_000
            : null;

    /// <summary>The CSV, written row by row as the request body is sent (chunked), never held whole.</summary>
    private sealed class GeneratedCsv : HttpContent
    {
        private readonly int _rows;

        public GeneratedCsv(int rows)
        {
            _rows = rows;
            Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        }

        public long BytesWritten { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var chunk = new StringBuilder(256 * 1024);
            // Tag is the slug of the bench's template ("Bench {Tag}"), so a campaign of this audience renders every message.
            chunk.Append("tocontactid,optin,locale,Tag,contextitems.CaseName\n");
            for (var row = 1; row <= _rows; row++)
            {
                chunk.Append(Number(row)).Append(",true,en-US,Customer ").Append(row).Append(",CAS-").Append(row).Append('\n');
                if (chunk.Length >= 200 * 1024 || row == _rows)
                {
                    var bytes = Encoding.UTF8.GetBytes(chunk.ToString());
                    await stream.WriteAsync(bytes, cancellationToken);
                    BytesWritten += bytes.Length;
                    chunk.Clear();
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
