using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Outbound.Gateway.Campaigns;
using Outbound.Sending;

namespace Outbound.Tests.Campaigns;

/// <summary>How an audience upload is read and checked, row by row, without a cluster.</summary>
public sealed class AudienceReaderTests
{
    private static readonly Guid Configuration = Guid.NewGuid();

    // The gateway's JSON rules for request bodies (Program.cs): strict numbers, no duplicate properties.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        MaxDepth = 16,
    };

    [Fact]
    public async Task A_csv_audience_keeps_its_valid_rows_in_order_with_their_slug_values()
    {
        var sink = await ReadCsvAsync(""""
            tocontactid,optin,locale,entityrelationshipname,CustomerName,contextitems.CaseName
            +14155550100,true,en-US,incident,Ana,CAS-1
            +14155550101,false,,,"Smith, Bob",
            +14155550102,1,fr-FR,,"Zoë ""Z""",CAS-3

            """");

        Assert.Equal(new AudienceCounts(3, 3, 0), sink.Counts);
        Assert.Equal([1, 2, 3], sink.Accepted.Select(a => a.Row));
        var (_, ana) = sink.Accepted[0];
        Assert.Equal(("+14155550100", true, "en-US", "incident"), (ana.To, ana.OptIn, ana.Locale, ana.EntityRelationshipName));
        Assert.Equal("Ana", ana.ContextItems["customername"]);
        Assert.Equal("CAS-1", ana.ContextItems["CaseName"]);
        Assert.Equal("Smith, Bob", sink.Accepted[1].Contact.ContextItems["CustomerName"]);
        Assert.False(sink.Accepted[1].Contact.ContextItems.ContainsKey("CaseName"));
        Assert.Equal("Zoë \"Z\"", sink.Accepted[2].Contact.ContextItems["CustomerName"]);
    }

    [Fact]
    public async Task Each_invalid_csv_row_is_reported_with_its_number_and_field()
    {
        var sink = await ReadCsvAsync($"""
            tocontactid,optin,CustomerName
            +14155550100,true,Ana
            4155550101,true,Bob
            +14155550102,maybe,Cy
            +14155550103,,Di
            +14155550104,true,{new string('x', 1_025)}
            +14155550105,true
            +14155550106,true,Ed

            """);

        Assert.Equal(new AudienceCounts(7, 2, 5), sink.Counts);
        Assert.Equal([1, 7], sink.Accepted.Select(a => a.Row));
        Assert.Equal(
            [(2, "tocontactid"), (3, "optin"), (4, "optin"), (5, "CustomerName"), (6, "row")],
            sink.Refused.Select(r => (r.Row, r.Field)));
    }

    [Fact]
    public async Task A_json_lines_audience_is_read_as_the_send_api_reads_a_contact()
    {
        var sink = await ReadJsonLinesAsync("""
            {"tocontactid":"+14155550100","optin":true,"locale":"en-US","contextitems":{"CaseName":"CAS-1"},"CustomerName":"Ana"}

            {"tocontactid":"+14155550101","optin":"yes"}
            {"tocontactid":"+14155550102"}
            not json
            null
            {"tocontactid":"+14155550103","optin":true,"contextitems":{"a":"1"},"A":"2"}
            {"tocontactid":"+14155550104","optin":false}
            """.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(new AudienceCounts(7, 2, 5), sink.Counts);
        Assert.Equal([1, 7], sink.Accepted.Select(a => a.Row));
        Assert.Equal("Ana", sink.Accepted[0].Contact.ContextItems["CustomerName"]);
        Assert.Equal("CAS-1", sink.Accepted[0].Contact.ContextItems["CaseName"]);
        Assert.Equal(
            [(2, "optin"), (3, "optin"), (4, "row"), (5, "row"), (6, "A")],
            sink.Refused.Select(r => (r.Row, r.Field)));
    }

    [Fact]
    public async Task A_contact_naming_another_configuration_is_refused()
    {
        var sink = await ReadJsonLinesAsync($$"""{"tocontactid":"+14155550100","optin":true,"msdyn_ocoutboundconfigurationid":"{{Guid.NewGuid()}}"}""");

        Assert.Equal("msdyn_ocoutboundconfigurationid", Assert.Single(sink.Refused).Field);
    }

    [Fact]
    public async Task An_audience_over_the_row_limit_is_refused_as_a_whole()
    {
        var rows = string.Join('\n', Enumerable.Range(0, 11).Select(i => $"+1415555{i:D4},true"));

        var refused = await Assert.ThrowsAsync<AudienceRefusedException>(() => ReadCsvAsync("tocontactid,optin\n" + rows, maxRows: 10));

        Assert.Equal((413, "body"), (refused.Status, refused.Field));
        // Exactly at the limit is an audience.
        Assert.Equal(10, (await ReadCsvAsync("tocontactid,optin\n" + string.Join('\n', rows.Split('\n')[..10]), maxRows: 10)).Counts!.Valid);
    }

    [Theory]
    [InlineData("", "header")]
    [InlineData("optin,locale\n+14155550100,true\n", "header")]
    [InlineData("tocontactid,optin,TOCONTACTID\n", "header")]
    [InlineData("tocontactid,optin,\"CustomerName\n+14155550100,true,Ana\n", "header")]
    public async Task A_csv_without_a_usable_header_records_nothing(string csv, string field)
    {
        var refused = await Assert.ThrowsAsync<AudienceRefusedException>(() => ReadCsvAsync(csv));

        Assert.Equal((422, field), (refused.Status, refused.Field));
    }

    [Fact]
    public async Task A_quote_left_open_is_refused_once_the_row_outgrows_any_contact()
    {
        var csv = "tocontactid,optin,CustomerName\n+14155550100,true,\"Ana\n" + string.Concat(Enumerable.Repeat("+14155550101,true,Bob\n", 5_000));

        var refused = await Assert.ThrowsAsync<AudienceRefusedException>(() => ReadCsvAsync(csv));

        Assert.Equal((422, "row"), (refused.Status, refused.Field));
        Assert.Contains("Row 1 ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_line_longer_than_any_contact_is_refused()
    {
        var refused = await Assert.ThrowsAsync<AudienceRefusedException>(() =>
            ReadJsonLinesAsync($$"""{"tocontactid":"+14155550100","optin":true,"x":"{{new string('x', AudienceReader.MaxRowBytes)}}"}"""));

        Assert.Equal((422, "row"), (refused.Status, refused.Field));
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_refused()
    {
        byte[] garbage = [.. "tocontactid,optin\n+14155550100,true,"u8, 0xC3, 0x28, 0xFF, 0xFE, (byte)'\n'];

        var csv = await Assert.ThrowsAsync<AudienceRefusedException>(() => ReadAsync(garbage, csv: true));
        var lines = await Assert.ThrowsAsync<AudienceRefusedException>(() => ReadAsync([0xFF, 0xFE, 0x00, (byte)'{', (byte)'\n'], csv: false));

        Assert.Equal((422, "body"), (csv.Status, csv.Field));
        Assert.Equal((422, "body"), (lines.Status, lines.Field));
    }

    private static Task<RecordingSink> ReadCsvAsync(string csv, int maxRows = AudienceReader.DefaultMaxRows) =>
        ReadAsync(Encoding.UTF8.GetBytes(csv), csv: true, maxRows);

    private static Task<RecordingSink> ReadJsonLinesAsync(string lines) => ReadAsync(Encoding.UTF8.GetBytes(lines), csv: false);

    private static async Task<RecordingSink> ReadAsync(byte[] body, bool csv, int maxRows = AudienceReader.DefaultMaxRows)
    {
        var sink = new RecordingSink();
        // Small reads, so rows straddle them as they do over a network.
        var stream = new TrickleStream(body, 7);
        sink.Counts = csv
            ? await AudienceReader.ReadCsvAsync(stream, Configuration, maxRows, sink, CancellationToken.None)
            : await AudienceReader.ReadJsonLinesAsync(PipeReader.Create(stream), Configuration, maxRows, Json, sink, CancellationToken.None);
        return sink;
    }

    private sealed class RecordingSink : IAudienceSink
    {
        public List<(int Row, SendContact Contact)> Accepted { get; } = [];

        public List<(int Row, string Field, string Reason)> Refused { get; } = [];

        public AudienceCounts? Counts { get; set; }

        public ValueTask AcceptAsync(int row, SendContact contact, CancellationToken cancellationToken)
        {
            Accepted.Add((row, contact));
            return ValueTask.CompletedTask;
        }

        public ValueTask RefuseAsync(int row, string field, string reason, CancellationToken cancellationToken)
        {
            Refused.Add((row, field, reason));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A body that arrives a few bytes at a time, and only asynchronously, as a request body does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return ValueTask.FromResult(count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Request bodies are read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
