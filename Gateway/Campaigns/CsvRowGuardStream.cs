namespace Outbound.Gateway.Campaigns;

/// <summary>
/// Passes a CSV body through while it checks that no row is longer than a limit, so a quote left open (which makes
/// the rest of the body one field) or a row of megabytes is refused before the parser buffers it. Rows end at a
/// newline outside quotes; a doubled quote inside a quoted field toggles twice, so counting quotes is enough.
/// </summary>
internal sealed class CsvRowGuardStream(Stream inner, int maxRowBytes) : Stream
{
    private bool _inQuotes;
    private long _rowBytes;
    private int _row;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Scan(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The request body refuses synchronous reads; so does this stream.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Scan(ReadOnlySpan<byte> span)
    {
        while (!span.IsEmpty)
        {
            var next = span.IndexOfAny((byte)'"', (byte)'\n');
            if (next < 0)
            {
                Count(span.Length);
                return;
            }

            Count(next + 1);
            if (span[next] == (byte)'"')
            {
                _inQuotes = !_inQuotes;
            }
            else if (!_inQuotes)
            {
                _rowBytes = 0;
                _row++;
            }

            span = span[(next + 1)..];
        }
    }

    private void Count(int bytes)
    {
        _rowBytes += bytes;
        if (_rowBytes > maxRowBytes)
        {
            // The header is row 0: data rows count from 1, as the error report does.
            throw AudienceReader.RowTooLong(_row);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
