using System.Text.Json.Serialization;
using Outbound.Gateway.Problems;
using Outbound.Templates;

namespace Outbound.Gateway.Templates;

/// <param name="Locale">The recipient's locale (SMS); the template's fallback chain picks the version.</param>
/// <param name="ContextItems">Slug values, for example <c>{ "CustomerName": "Ana" }</c>. Slug names are not case-sensitive.</param>
public sealed record RenderRequest(
    string? Locale,
    [property: JsonPropertyName("contextitems")] Dictionary<string, string?>? ContextItems);

/// <summary>SMS: text, encoding and segments. WhatsApp: content SID and variables.</summary>
public sealed record RenderResponse(
    string Locale, string? Text, string? Encoding, int? Segments, string? ContentSid, IReadOnlyDictionary<string, string>? ContentVariables);

/// <summary>Shared by the template and configuration render endpoints.</summary>
public static class RenderApi
{
    /// <summary>Renders with <paramref name="render"/>, given the request's locale and context items once they are valid.</summary>
    public static async Task<IResult> RenderAsync(
        RenderRequest request, Func<string?, ImmutableDictionary<string, string>, Task<RenderResult?>> render, Func<IResult> notFound)
    {
        var errors = new FieldErrors();
        var items = ContextItems.Read(request.ContextItems, "contextitems", errors);
        return errors.Any ? errors.ToProblem() : ToResult(await render(request.Locale, items), notFound);
    }

    private static IResult ToResult(RenderResult? result, Func<IResult> notFound)
    {
        if (result is null)
        {
            return notFound();
        }

        if (result.TooLong is { } tooLong)
        {
            return Problem.Validation(tooLong.Field, tooLong.Reason);
        }

        if (result.Message is not { } m)
        {
            return Problem.Validation(result.MissingSlugs.ToDictionary(
                slug => $"contextitems.{slug}",
                slug => new[] { $"The template uses {{{slug}}}, but contextitems has no value for it." }));
        }

        return Results.Ok(m.ContentSid is null
            ? new RenderResponse(m.Locale, m.Text, m.Encoding, m.Segments, null, null)
            : new RenderResponse(m.Locale, null, null, null, m.ContentSid, m.ContentVariables));
    }
}
