namespace Outbound.Grains.Providers;

/// <summary>
/// The bounds of what a provider (or whoever answers at a channel's endpoint) can make us store about a failure:
/// its text is kept to <see cref="MaxLength"/> characters and its code to <see cref="MaxCodeLength"/>.
/// </summary>
public static class ErrorTexts
{
    public const int MaxLength = 500;
    public const int MaxCodeLength = 64;

    public static string? Bound(string? text, int maxLength = MaxLength) =>
        text is null || text.Length <= maxLength ? text : text[..maxLength];

    public static string? BoundCode(string? code) => Bound(code, MaxCodeLength);
}
