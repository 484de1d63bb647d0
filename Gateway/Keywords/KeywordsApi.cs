using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Orgs;

namespace Outbound.Gateway.Keywords;

/// <summary>
/// The words that, as a customer's whole message (any case, surrounding whitespace ignored), opt them out, opt
/// them in again or ask for help, and the org's reply to each. A keyword message opens no conversation.
/// </summary>
/// <param name="OptOut">Words that opt the customer out (default: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT).</param>
/// <param name="OptIn">Words that opt the customer in again (default: START, YES, UNSTOP).</param>
/// <param name="Help">Words answered with <paramref name="HelpReply"/> (default: HELP, INFO).</param>
/// <param name="OptOutReply">The confirmation of an opt-out, the one message an opted-out customer still gets; null or empty sends none.</param>
/// <param name="OptInReply">The confirmation of an opt-in; null or empty sends none.</param>
/// <param name="HelpReply">The answer to a help word; null or empty sends none.</param>
public sealed record KeywordSettingsBody(
    [property: Required] string?[]? OptOut,
    [property: Required] string?[]? OptIn,
    [property: Required] string?[]? Help,
    string? OptOutReply,
    string? OptInReply,
    string? HelpReply);

public static class KeywordsApi
{
    public const int MaxWordLength = 20;
    public const int MaxWordsPerList = 20;

    /// <summary>A reply fits in two SMS segments of GSM-7 text.</summary>
    public const int MaxReplyLength = 320;

    public static RouteGroupBuilder MapKeywords(this RouteGroupBuilder admin)
    {
        admin.MapGet("/settings/keywords", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).GetKeywordSettingsAsync() is { } keywords
                ? Results.Ok(ToBody(keywords))
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Keywords")
        .WithName("GetKeywordSettings")
        .WithSummary("Get the org's opt-out, opt-in and help keywords")
        .WithDescription("The words that change a customer's consent or ask for help when they are a customer's whole message, and the replies the org sends back; the carriers' standard words until the org sets its own.")
        .Produces<KeywordSettingsBody>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPut("/settings/keywords", async (KeywordSettingsBody request, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            var keywords = ToSettings(request, errors);
            if (keywords is null)
            {
                return errors.ToProblem();
            }

            return await grains.GetGrain<IOrgGrain>(http.OrgId()).UpdateKeywordSettingsAsync(keywords)
                ? Results.Ok(ToBody(keywords))
                : Problem.NotFound("The org no longer exists.");
        })
        .WithTags("Keywords")
        .WithName("ReplaceKeywordSettings")
        .WithSummary("Replace the org's opt-out, opt-in and help keywords")
        .WithDescription("Replaces the three word lists and the replies whole; the carriers' standard words no longer apply unless listed. Words are 1–20 letters or digits, at most 20 per list, each in one list only (case-insensitive); replies are at most 320 characters.")
        .Produces<KeywordSettingsBody>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static KeywordSettingsBody ToBody(KeywordSettings k) =>
        new([.. k.OptOut], [.. k.OptIn], [.. k.Help], k.OptOutReply, k.OptInReply, k.HelpReply);

    private static KeywordSettings? ToSettings(KeywordSettingsBody request, FieldErrors errors)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var optOut = Words(request.OptOut, "optOut", errors, seen);
        var optIn = Words(request.OptIn, "optIn", errors, seen);
        var help = Words(request.Help, "help", errors, seen);
        Reply(request.OptOutReply, "optOutReply", errors);
        Reply(request.OptInReply, "optInReply", errors);
        Reply(request.HelpReply, "helpReply", errors);
        return errors.Any
            ? null
            : new KeywordSettings(optOut, optIn, help, Empty(request.OptOutReply), Empty(request.OptInReply), Empty(request.HelpReply));
    }

    private static ImmutableArray<string> Words(string?[]? words, string field, FieldErrors errors, Dictionary<string, string> seen)
    {
        if (words is null)
        {
            errors.Add(field, $"{field} is a list of words (it may be empty).");
            return [];
        }

        if (words.Length > MaxWordsPerList)
        {
            errors.Add(field, $"{field} has at most {MaxWordsPerList} words.");
            return [];
        }

        var kept = ImmutableArray.CreateBuilder<string>(words.Length);
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i]?.Trim();
            var at = $"{field}[{i}]";
            if (word is not { Length: > 0 and <= MaxWordLength } || !word.All(char.IsLetterOrDigit))
            {
                errors.Add(at, $"A keyword is 1 to {MaxWordLength} letters or digits.");
            }
            else if (seen.TryGetValue(word, out var first))
            {
                errors.Add(at, $"'{word}' is already listed at {first}: a word belongs to one list, once.");
            }
            else
            {
                seen[word] = at;
                kept.Add(word.ToUpperInvariant());
            }
        }

        return kept.DrainToImmutable();
    }

    private static void Reply(string? reply, string field, FieldErrors errors)
    {
        if (reply is { Length: > MaxReplyLength })
        {
            errors.Add(field, $"{field} is at most {MaxReplyLength} characters.");
        }
    }

    private static string? Empty(string? reply) => string.IsNullOrWhiteSpace(reply) ? null : reply;
}
