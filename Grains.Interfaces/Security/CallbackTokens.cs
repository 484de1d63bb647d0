namespace Outbound.Security;

/// <summary>
/// The token in a provider's status callback URL: a tag of the message it names, so the gateway refuses a forged
/// callback before any grain reads state for it.
/// </summary>
public static class CallbackTokens
{
    /// <summary>The query parameter that carries the token.</summary>
    public const string Parameter = "token";

    private const string Purpose = "status-callback";

    /// <param name="message">The callback's <c>message</c> parameter: <c>{orgId:N}.{messageId}</c>.</param>
    public static string For(this SigningKeys keys, string message) => keys.Sign(Purpose, message);

    public static bool IsValid(this SigningKeys keys, string message, string? token) =>
        token is { Length: > 0 } && keys.Verify(Purpose, message, token);
}
