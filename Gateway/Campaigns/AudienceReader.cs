using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using Outbound.Contacts;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Sending;
using Outbound.Sending;

namespace Outbound.Gateway.Campaigns;

/// <summary>Where an audience's rows go as they are read: valid contacts in upload order, and each row's errors.</summary>
public interface IAudienceSink
{
    ValueTask AcceptAsync(int row, SendContact contact, CancellationToken cancellationToken);

    /// <summary>One error of row <paramref name="row"/> (a row may have several); the row is not a contact.</summary>
    ValueTask RefuseAsync(int row, string field, string reason, CancellationToken cancellationToken);
}

/// <summary>The upload as a whole is refused (no header, a row too long, too many rows): nothing is recorded.</summary>
public sealed class AudienceRefusedException(int status, string field, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Field { get; } = field;
}

/// <summary>What reading an audience found.</summary>
public sealed record AudienceCounts(int Rows, int Valid, int Invalid);

/// <summary>
/// Reads an audience upload, CSV or JSON Lines, row by row from the request body (never the whole body at once),
/// checks each row as the send API checks a contact (plus an E.164 number) and hands it to an
/// <see cref="IAudienceSink"/>.
/// </summary>
public static class AudienceReader
{
    public const int DefaultMaxRows = 1_000_000;

    /// <summary>A row is at most as large as a whole send request may be: one contact never needs more.</summary>
    public const int MaxRowBytes = BodyLimits.Send;

    /// <summary>CSV columns that are the contact's own fields; every other column is a slug value.</summary>
    public const string ToContactId = "tocontactid", OptIn = "optin", Locale = "locale", Regarding = "entityrelationshipname";

    public const string ContextItemsPrefix = "contextitems.";

    /// <summary>The field a row-wide error names (a row that is not a contact at all).</summary>
    public const string RowField = "row";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<AudienceCounts> ReadCsvAsync(
        Stream body, Guid configurationId, int maxRows, IAudienceSink sink, CancellationToken cancellationToken)
    {
        await using var guarded = new CsvRowGuardStream(body, MaxRowBytes);
        using var text = new StreamReader(guarded, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        SepReader reader;
        try
        {
            reader = await Sep.Reader(o => o with
            {
                Sep = new Sep(','),
                HasHeader = true,
                Unescape = true,
                // A row with another number of columns is that row's error, not the upload's.
                DisableColCountCheck = true,
            }).FromAsync(text, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8();
        }

        using (reader)
        {
            var columns = CsvColumns.From(reader.Header.ColNames);
            var errors = new FieldErrors();
            var counts = new Counter(maxRows);
            while (await MoveNextAsync(reader, cancellationToken))
            {
                if (ReadRow(reader, columns, configurationId, errors, counts) is not { } row)
                {
                    continue;
                }

                await DeliverAsync(row, errors, sink, cancellationToken);
            }

            return counts.Counts;
        }
    }

    public static async Task<AudienceCounts> ReadJsonLinesAsync(
        PipeReader body, Guid configurationId, int maxRows, JsonSerializerOptions json, IAudienceSink sink, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var counts = new Counter(maxRows);
        var first = true;
        var lines = 0;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            try
            {
                while (TryTakeLine(ref buffer, read.IsCompleted, out var line))
                {
                    lines++;
                    if (line.Length > MaxRowBytes)
                    {
                        throw RowTooLong(lines);
                    }

                    if (first)
                    {
                        first = false;
                        line = SkipByteOrderMark(line);
                    }

                    if (ReadLine(line, configurationId, json, errors, counts) is { } row)
                    {
                        await DeliverAsync(row, errors, sink, cancellationToken);
                    }
                }

                if (buffer.Length > MaxRowBytes)
                {
                    throw RowTooLong(lines + 1);
                }
            }
            finally
            {
                // Also when the upload is refused: the server then drains the rest of the body.
                body.AdvanceTo(buffer.Start, buffer.End);
            }

            if (read.IsCompleted)
            {
                break;
            }
        }

        return counts.Counts;
    }

    private static async ValueTask<bool> MoveNextAsync(SepReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.MoveNextAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8();
        }
    }

    /// <summary>A row read: its number and either its contact or its errors (left in the shared <see cref="FieldErrors"/>).</summary>
    private readonly record struct Row(int Number, SendContact? Contact);

    private static async ValueTask DeliverAsync(Row row, FieldErrors errors, IAudienceSink sink, CancellationToken cancellationToken)
    {
        if (row.Contact is { } contact)
        {
            await sink.AcceptAsync(row.Number, contact, cancellationToken);
            return;
        }

        foreach (var (field, messages) in errors.Errors)
        {
            foreach (var message in messages)
            {
                await sink.RefuseAsync(row.Number, field, message, cancellationToken);
            }
        }
    }

    private static Row? ReadRow(SepReader reader, CsvColumns columns, Guid configurationId, FieldErrors errors, Counter counts)
    {
        var row = reader.Current;
        // A blank line (often the last) is no row.
        if (row.ColCount == 1 && row.Span.IsEmpty)
        {
            return null;
        }

        var number = counts.Next();
        errors.Clear();
        if (row.ColCount != columns.Count)
        {
            errors.Add(RowField, $"The row has {row.ColCount} columns; the header has {columns.Count}.");
            return counts.Refused(number);
        }

        Dictionary<string, string?>? items = null;
        Dictionary<string, JsonElement>? slugs = null;
        bool? optIn = null;
        var optInRefused = false;
        Guid? configuration = null;
        foreach (var (index, name) in columns.ContextItems)
        {
            if (row[index].Span is { IsEmpty: false } value)
            {
                (items ??= new(StringComparer.Ordinal))[name] = value.ToString();
            }
        }

        foreach (var (index, name) in columns.Slugs)
        {
            if (row[index].Span is { IsEmpty: false } value)
            {
                (slugs ??= new(StringComparer.Ordinal))[name] = JsonSerializer.SerializeToElement(value.ToString());
            }
        }

        if (columns.OptIn >= 0 && row[columns.OptIn].Span is { IsEmpty: false } flag)
        {
            optIn = ParseOptIn(flag);
            if (optIn is null)
            {
                optInRefused = true;
                errors.Add(OptIn, "optin is true or false (or 1 or 0).");
            }
        }

        if (columns.Configuration >= 0 && row[columns.Configuration].Span is { IsEmpty: false } id)
        {
            if (Guid.TryParse(id, out var parsed))
            {
                configuration = parsed;
            }
            else
            {
                errors.Add(ContactBody.ConfigurationIdName, $"{ContactBody.ConfigurationIdName} is a configuration id (a GUID), or left empty.");
            }
        }

        var body = new ContactBody(
            Text(row, columns.ToContactId),
            // Refused above already when it is not a boolean: the shared check then does not also call it missing.
            optIn ?? (optInRefused ? false : null),
            Text(row, columns.Locale),
            items,
            Text(row, columns.Regarding),
            configuration)
        {
            SlugValues = slugs,
        };
        return Check(number, body, configurationId, errors, counts);
    }

    private static string? Text(SepReader.Row row, int index) =>
        index >= 0 && row[index].Span is { IsEmpty: false } value ? value.ToString() : null;

    private static bool? ParseOptIn(ReadOnlySpan<char> value) => value switch
    {
        "1" => true,
        "0" => false,
        _ when value.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        _ when value.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    private static Row? ReadLine(ReadOnlySequence<byte> line, Guid configurationId, JsonSerializerOptions json, FieldErrors errors, Counter counts)
    {
        var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        // A blank line (often the last) is no row.
        if (bytes.IsEmpty || bytes.IndexOfAnyExcept(" \t"u8) < 0)
        {
            return null;
        }

        var number = counts.Next();
        errors.Clear();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw NotUtf8();
        }

        ContactBody? body;
        try
        {
            body = JsonSerializer.Deserialize<ContactBody>(bytes, json);
        }
        catch (JsonException e)
        {
            var field = BadRequestExceptionHandler.FieldName(e.Path);
            errors.Add(field == "body" ? RowField : field, "The line is not a contact in JSON, or this field's value is not valid JSON for it.");
            return counts.Refused(number);
        }

        if (body is null)
        {
            errors.Add(RowField, SendApi.NotAnObject);
            return counts.Refused(number);
        }

        return Check(number, body, configurationId, errors, counts);
    }

    /// <summary>The send API's checks of a contact, and the number must be one a message can go to.</summary>
    private static Row Check(int number, ContactBody body, Guid configurationId, FieldErrors errors, Counter counts)
    {
        var contact = SendApi.ToContact(body, "", configurationId, errors);
        if (body.ToContactId is null)
        {
            errors.Add(ToContactId, "tocontactid is required: the phone number in E.164 form (+, country code, number).");
        }
        else if (!PhoneNumberRules.IsE164(body.ToContactId))
        {
            errors.Add(ToContactId, "tocontactid is not a valid phone number in E.164 form (+, country code, number).");
        }

        return errors.Any ? counts.Refused(number) : counts.Accepted(number, contact);
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, bool completed, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is { } end)
        {
            line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            return true;
        }

        // The last line may end without a newline.
        if (completed && !buffer.IsEmpty)
        {
            line = buffer;
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        line = default;
        return false;
    }

    private static ReadOnlySequence<byte> SkipByteOrderMark(ReadOnlySequence<byte> line)
    {
        var bom = Encoding.UTF8.Preamble;
        return line.Length >= bom.Length && line.Slice(0, bom.Length).ToArray().AsSpan().SequenceEqual(bom) ? line.Slice(bom.Length) : line;
    }

    internal static AudienceRefusedException RowTooLong(int row) => new(
        StatusCodes.Status422UnprocessableEntity, row == 0 ? "header" : RowField,
        $"{(row == 0 ? "The header row" : $"Row {row}")} is longer than {MaxRowBytes:N0} bytes, more than one contact can need: is a quote left open? Nothing was recorded.");

    private static AudienceRefusedException NotUtf8() => new(
        StatusCodes.Status422UnprocessableEntity, "body", "The audience is text in UTF-8; the body is not. Nothing was recorded.");

    /// <summary>Counts rows as they are read, and stops the upload at the limit.</summary>
    private sealed class Counter(int maxRows)
    {
        private int _rows, _valid, _invalid;

        public AudienceCounts Counts => new(_rows, _valid, _invalid);

        public int Next()
        {
            if (_rows == maxRows)
            {
                throw new AudienceRefusedException(StatusCodes.Status413PayloadTooLarge, "body",
                    $"An audience has at most {maxRows:N0} rows; this one has more. Nothing was recorded: split it over campaigns.");
            }

            return ++_rows;
        }

        public Row Accepted(int number, SendContact contact)
        {
            _valid++;
            return new(number, contact);
        }

        public Row Refused(int number)
        {
            _invalid++;
            return new(number, null);
        }
    }

    /// <summary>Which CSV column holds what, from the header row.</summary>
    private sealed record CsvColumns(
        int Count, int ToContactId, int OptIn, int Locale, int Regarding, int Configuration,
        IReadOnlyList<(int Index, string Name)> ContextItems, IReadOnlyList<(int Index, string Name)> Slugs)
    {
        /// <summary>Slug names longer than this are no template's: a header cell of kilobytes is a mistake or an attack.</summary>
        public const int MaxNameLength = 128;

        public static CsvColumns From(IReadOnlyList<string> names)
        {
            if (names.Count == 0 || names is [""])
            {
                throw Header("The audience starts with a header row: tocontactid, optin, locale, entityrelationshipname, and a column per slug value.");
            }

            int toContactId = -1, optIn = -1, locale = -1, regarding = -1, configuration = -1;
            var items = new List<(int, string)>();
            var slugs = new List<(int, string)>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var slugNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i];
                if (name.Length == 0 || name.Length > MaxNameLength + ContextItemsPrefix.Length)
                {
                    throw Header($"Column {i + 1} has no name, or a name longer than {MaxNameLength} characters.");
                }

                if (name.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0)
                {
                    throw Header($"Column {i + 1}'s name holds a line break or another control character: is a quote left open?");
                }

                if (!seen.Add(name))
                {
                    throw Header($"The column '{Shorten(name)}' is given twice (names are not case-sensitive).");
                }

                if (name.Equals(AudienceReader.ToContactId, StringComparison.OrdinalIgnoreCase)) { toContactId = i; }
                else if (name.Equals(AudienceReader.OptIn, StringComparison.OrdinalIgnoreCase)) { optIn = i; }
                else if (name.Equals(AudienceReader.Locale, StringComparison.OrdinalIgnoreCase)) { locale = i; }
                else if (name.Equals(AudienceReader.Regarding, StringComparison.OrdinalIgnoreCase)) { regarding = i; }
                else if (name.Equals(ContactBody.ConfigurationIdName, StringComparison.OrdinalIgnoreCase)) { configuration = i; }
                else if (name.StartsWith(ContextItemsPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > ContextItemsPrefix.Length)
                {
                    items.Add((i, name[ContextItemsPrefix.Length..]));
                    slugNames.Add(name[ContextItemsPrefix.Length..]);
                }
                else if (name.Length > MaxNameLength)
                {
                    throw Header($"Column {i + 1} has a name longer than {MaxNameLength} characters.");
                }
                else
                {
                    slugs.Add((i, name));
                    slugNames.Add(name);
                }
            }

            if (toContactId < 0 || optIn < 0)
            {
                throw Header("The header row names the columns tocontactid and optin (and may name locale, entityrelationshipname and slug values).");
            }

            if (slugNames.Count > SendApi.MaxContextItems)
            {
                throw Header($"A contact holds at most {SendApi.MaxContextItems} slug values: the header names {slugNames.Count}.");
            }

            return new(names.Count, toContactId, optIn, locale, regarding, configuration, items, slugs);
        }

        private static AudienceRefusedException Header(string message) =>
            new(StatusCodes.Status422UnprocessableEntity, "header", message + " Nothing was recorded.");

        private static string Shorten(string name) => name.Length <= 40 ? name : name[..40] + "…";
    }
}
