using System.Diagnostics.CodeAnalysis;

namespace Outbound.Templates;

/// <summary>
/// An SMS body parsed into literal text and <c>{SlugName}</c> placeholders, where a slug name matches
/// <c>[A-Za-z_][A-Za-z0-9_]*</c>. Slug names are not case-sensitive: <c>{customername}</c> and
/// <c>{CustomerName}</c> are the same slug.
/// </summary>
/// <remarks>
/// There is no escape for a literal brace: every <c>{</c> must open a slug and every <c>}</c> must close one.
/// Instances are immutable and cheap; parsing on every render is intended (callers cache templates, not parses).
/// </remarks>
public sealed class SlugTemplate
{
    // A part is a range of the body: a literal (SlugIndex < 0) or the name of a slug (SlugIndex into Slugs).
    // Ranges instead of substrings keep parsing to two small arrays.
    private readonly record struct Part(int Start, int Length, int SlugIndex);

    private readonly string _body;
    private readonly ImmutableArray<Part> _parts;

    private SlugTemplate(string body, ImmutableArray<Part> parts, ImmutableArray<string> slugs)
    {
        _body = body;
        _parts = parts;
        Slugs = slugs;
    }

    /// <summary>
    /// The distinct slug names, in order of first appearance, spelled as they first appear. Names that differ
    /// only in case count as one slug.
    /// </summary>
    public ImmutableArray<string> Slugs { get; }

    /// <summary>Whether <paramref name="name"/> is a valid slug name: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsValidSlugName([NotNullWhen(true)] string? name) => name is not null && IsValidSlugName(name.AsSpan());

    /// <summary>Parses <paramref name="body"/>; on failure <paramref name="error"/> says what is wrong and at which (0-based) character index.</summary>
    public static bool TryParse(
        string body,
        [NotNullWhen(true)] out SlugTemplate? template,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(body);
        template = null;

        var parts = ImmutableArray.CreateBuilder<Part>();
        var slugs = ImmutableArray.CreateBuilder<string>();
        var literalStart = 0;
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (c == '}')
            {
                error = $"Unbalanced braces: '}}' at index {i} has no opening '{{'.";
                return false;
            }

            if (c != '{')
            {
                i++;
                continue;
            }

            // Find the closing brace; a '{' before it is a nesting error rather than a new slug.
            var open = i;
            var close = -1;
            for (var j = open + 1; j < body.Length; j++)
            {
                if (body[j] == '}')
                {
                    close = j;
                    break;
                }

                if (body[j] == '{')
                {
                    error = $"Nested '{{' at index {j} inside the slug opened at index {open}.";
                    return false;
                }
            }

            if (close < 0)
            {
                error = $"Unbalanced braces: '{{' at index {open} has no closing '}}'.";
                return false;
            }

            var name = body.AsSpan(open + 1, close - open - 1);
            if (name.IsEmpty)
            {
                error = $"Empty slug '{{}}' at index {open}.";
                return false;
            }

            if (!IsValidSlugName(name))
            {
                error = $"Invalid slug name '{name}' at index {open}: a slug name starts with a letter or '_' and has only letters, digits and '_'.";
                return false;
            }

            if (open > literalStart)
            {
                parts.Add(new Part(literalStart, open - literalStart, -1));
            }

            parts.Add(new Part(open + 1, name.Length, IndexOrAdd(slugs, name)));
            i = close + 1;
            literalStart = i;
        }

        if (body.Length > literalStart)
        {
            parts.Add(new Part(literalStart, body.Length - literalStart, -1));
        }

        template = new SlugTemplate(body, parts.ToImmutable(), slugs.ToImmutable());
        error = null;
        return true;
    }

    /// <summary>
    /// Replaces every slug with its value from <paramref name="valueOf"/> (called once per distinct slug, with the
    /// slug name as first written). Values are inserted literally in a single pass: a value containing
    /// <c>{Other}</c> stays as written. A <see langword="null"/> value means the slug has no value.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> with the rendered <paramref name="text"/>; or <see langword="false"/> with
    /// <paramref name="missing"/> listing every slug without a value, in order of first appearance.
    /// </returns>
    public bool TryRender(
        Func<string, string?> valueOf,
        [NotNullWhen(true)] out string? text,
        out ImmutableArray<string> missing) =>
        Render(valueOf, int.MaxValue, out text, out missing) == SlugRenderOutcome.Rendered;

    /// <summary>
    /// Like <see cref="TryRender"/>, but gives up without building the text when it would be longer than
    /// <paramref name="maxLength"/> characters (UTF-16 code units): the cost of a render is bounded by the limit,
    /// never by how often a slug repeats or how long its value is.
    /// </summary>
    /// <returns>
    /// <see cref="SlugRenderOutcome.Rendered"/> with <paramref name="text"/>; <see cref="SlugRenderOutcome.Missing"/>
    /// with <paramref name="missing"/>; or <see cref="SlugRenderOutcome.TooLong"/>.
    /// </returns>
    public SlugRenderOutcome Render(
        Func<string, string?> valueOf,
        int maxLength,
        out string? text,
        out ImmutableArray<string> missing)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);

        var values = Slugs.Length == 0 ? Array.Empty<string?>() : new string?[Slugs.Length];
        ImmutableArray<string>.Builder? missingBuilder = null;
        for (var s = 0; s < values.Length; s++)
        {
            values[s] = valueOf(Slugs[s]);
            if (values[s] is null)
            {
                (missingBuilder ??= ImmutableArray.CreateBuilder<string>()).Add(Slugs[s]);
            }
        }

        text = null;
        if (missingBuilder is not null)
        {
            missing = missingBuilder.ToImmutable();
            return SlugRenderOutcome.Missing;
        }

        missing = [];
        // The length first, stopping at the limit: a slug repeated hundreds of times with a long value must not
        // cost a string of hundreds of times that value.
        var length = 0L;
        foreach (var part in _parts)
        {
            length += part.SlugIndex < 0 ? part.Length : values[part.SlugIndex]!.Length;
            if (length > maxLength)
            {
                return SlugRenderOutcome.TooLong;
            }
        }

        // One exact-size allocation for the result.
        text = string.Create((int)length, (Template: this, Values: values), static (span, state) =>
        {
            var at = 0;
            foreach (var part in state.Template._parts)
            {
                var piece = part.SlugIndex < 0
                    ? state.Template._body.AsSpan(part.Start, part.Length)
                    : state.Values[part.SlugIndex].AsSpan();
                piece.CopyTo(span[at..]);
                at += piece.Length;
            }
        });
        return SlugRenderOutcome.Rendered;
    }

    private static bool IsValidSlugName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    // Case-insensitive because slug names are; the first spelling is the one reported.
    private static int IndexOrAdd(ImmutableArray<string>.Builder slugs, ReadOnlySpan<char> name)
    {
        for (var s = 0; s < slugs.Count; s++)
        {
            if (name.Equals(slugs[s], StringComparison.OrdinalIgnoreCase))
            {
                return s;
            }
        }

        slugs.Add(name.ToString());
        return slugs.Count - 1;
    }
}

/// <summary>What became of a <see cref="SlugTemplate.Render"/>.</summary>
public enum SlugRenderOutcome
{
    /// <summary>The text was built.</summary>
    Rendered = 0,

    /// <summary>At least one slug has no value.</summary>
    Missing = 1,

    /// <summary>The text would be longer than the limit; nothing was built.</summary>
    TooLong = 2,
}
