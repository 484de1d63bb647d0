using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Outbound.Gateway.Catalog;

/// <summary>
/// Cursors of paged lists as clients see them: opaque (base64url), so they neither build nor depend on the index
/// position inside, and bounded, so a hostile one costs nothing to refuse.
/// </summary>
public static class PageCursors
{
    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    /// <summary>The position in <paramref name="cursor"/>, if this API could have written it (at most <paramref name="maxLength"/> characters).</summary>
    public static bool TryDecode(string cursor, out string? position, int maxLength = 2048)
    {
        position = null;
        if (cursor.Length == 0 || cursor.Length > maxLength)
        {
            return false;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        position = Encoding.UTF8.GetString(bytes, 0, written);
        return true;
    }
}
