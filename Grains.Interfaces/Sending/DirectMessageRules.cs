using Outbound.Catalog;
using Outbound.Templates;

namespace Outbound.Sending;

/// <summary>What a direct message may carry on a channel; the send path checks it, and an API may check it first to answer 400.</summary>
public static class DirectMessageRules
{
    /// <summary>
    /// Null if <paramref name="message"/> can be sent on a channel of <paramref name="channelType"/>; otherwise what
    /// is wrong, starting with the field's name: text of 1 to 1,600 characters, or (WhatsApp only) a content
    /// template SID whose variable values are at most 1,024 characters.
    /// </summary>
    public static string? Validate(DirectMessage message, ChannelType channelType)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ContentSid is not null)
        {
            if (message.Text is not null)
            {
                return "text: give text or contentSid, not both.";
            }

            if (channelType != ChannelType.WhatsApp)
            {
                return "contentSid: content templates are for WhatsApp channels; an SMS channel sends text.";
            }

            if (!TemplateValidator.IsContentSid(message.ContentSid))
            {
                return "contentSid: must be 'HX' followed by 32 hexadecimal digits.";
            }

            foreach (var (key, value) in message.ContentVariables ?? ImmutableDictionary<string, string>.Empty)
            {
                if (string.IsNullOrEmpty(key) || value is null || value.Length > TemplateRenderer.MaxWhatsAppVariableLength)
                {
                    return $"contentVariables: each variable needs a key and a value of at most {TemplateRenderer.MaxWhatsAppVariableLength} characters.";
                }
            }

            return null;
        }

        if (message.ContentVariables is { Count: > 0 })
        {
            return "contentVariables: only a content template (contentSid) has variables.";
        }

        return string.IsNullOrWhiteSpace(message.Text) || message.Text.Length > TemplateRenderer.MaxSmsTextLength
            ? $"text: must be 1 to {TemplateRenderer.MaxSmsTextLength} characters."
            : null;
    }
}
