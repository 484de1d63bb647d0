using System.Globalization;
using System.Text.Json;

namespace Outbound.Triggers;

/// <summary>JSON Pointers (RFC 6901): <c>""</c> is the whole document, <c>/a/0/b~1c</c> walks members and array items.</summary>
public static class JsonPointer
{
    /// <summary>Why <paramref name="pointer"/> is not a JSON Pointer, or null if it is one.</summary>
    public static string? Problem(string? pointer)
    {
        if (pointer is null)
        {
            return "A JSON Pointer is a string such as \"/customer/phone\".";
        }

        if (pointer.Length > 0 && pointer[0] != '/')
        {
            return "A JSON Pointer starts with '/' (for example \"/customer/phone\"), or is \"\" for the whole data.";
        }

        for (var i = 0; i < pointer.Length; i++)
        {
            if (pointer[i] == '~' && (i + 1 >= pointer.Length || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
            {
                return "In a JSON Pointer '~' is followed by 0 ('~') or 1 ('/').";
            }

            if (char.IsControl(pointer[i]))
            {
                return "A JSON Pointer holds no control characters.";
            }
        }

        return null;
    }

    /// <summary>The value at <paramref name="pointer"/> in <paramref name="root"/>, if there is one.</summary>
    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        if (pointer.Length == 0)
        {
            return true;
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(token, out var member):
                    value = member;
                    break;
                case JsonValueKind.Array when IsIndex(token, out var index) && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    value = default;
                    return false;
            }
        }

        return true;
    }

    private static bool IsIndex(string token, out int index)
    {
        index = -1;
        return token.Length > 0 && (token == "0" || token[0] != '0')
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
