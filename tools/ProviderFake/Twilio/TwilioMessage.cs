using System.Globalization;

namespace Outbound.ProviderFake.Twilio;

/// <summary>One status of a message's life and when it is reached.</summary>
public sealed record StatusStep(string Status, DateTimeOffset At);

/// <summary>
/// An accepted message and its whole planned life, fixed when it is accepted (later fault changes do not touch it).
/// The status a fetch reports is read off the plan by the clock, so messages without a StatusCallback cost no timer.
/// </summary>
public sealed record TwilioMessage(
    string Sid,
    string AccountSid,
    TwilioSendRequest Request,
    DateTimeOffset DateCreated,
    string InitialStatus,
    IReadOnlyList<StatusStep> Steps,
    int? FailureCode)
{
    public const string ApiVersion = "2010-04-01";

    /// <summary>The sender Twilio picks from a Messaging Service's pool (the fake has one number: the magic "valid" From).</summary>
    public const string PoolSender = "+15005550006";

    public string Sender => Request.From ?? (Request.IsWhatsApp ? TwilioSendRequest.WhatsAppPrefix + PoolSender : PoolSender);

    public string Path => $"/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}";

    /// <summary>The last planned status reached by <paramref name="now"/>; null while the message is in its initial status.</summary>
    public StatusStep? ReachedAt(DateTimeOffset now) => Steps.LastOrDefault(s => s.At <= now);

    /// <summary>
    /// The resource's <c>date_sent</c> as of <paramref name="now"/>, to the second as the wire has it; null while the
    /// message is not sent yet, and for ever when it failed before being sent.
    /// </summary>
    public DateTimeOffset? SentAt(DateTimeOffset now) =>
        Steps.FirstOrDefault(s => s.At <= now && s.Status is "sent" or "delivered" or "undelivered") is { } sent
            ? WholeSeconds(sent.At)
            : null;

    /// <summary>The resource's <c>from</c> as of <paramref name="now"/>: a Messaging Service send has none until a pool sender is picked.</summary>
    public string? FromAt(DateTimeOffset now) => FromAfter(ReachedAt(now));

    /// <summary>The resource as of <paramref name="now"/>; null: as just created (the create answer).</summary>
    public MessageResource ToResource(DateTimeOffset? now)
    {
        var reached = now is { } at ? ReachedAt(at) : null;
        var status = reached?.Status ?? InitialStatus;
        var sent = now is { } t ? SentAt(t) : null;
        var failed = status is "failed" or "undelivered";
        return new MessageResource(
            AccountSid: AccountSid,
            ApiVersion: ApiVersion,
            Body: Request.Body,
            DateCreated: Rfc2822(DateCreated),
            DateSent: sent is { } sentAt ? Rfc2822(sentAt) : null,
            DateUpdated: Rfc2822(reached?.At ?? DateCreated),
            Direction: "outbound-api",
            ErrorCode: failed ? FailureCode : null,
            ErrorMessage: null,
            From: FromAfter(reached),
            MessagingServiceSid: Request.MessagingServiceSid,
            NumMedia: Request.MediaUrls.Count.ToString(CultureInfo.InvariantCulture),
            // Twilio reports 0 segments on a Messaging Service create (providers.md §1.6).
            NumSegments: (Request.MessagingServiceSid is not null && reached is null ? 0 : SmsSegments.Count(Request.Body)).ToString(CultureInfo.InvariantCulture),
            Price: null,
            PriceUnit: "USD",
            Sid: Sid,
            Status: status,
            SubresourceUris: new Dictionary<string, string> { ["media"] = $"{Path}/Media.json" },
            To: Request.To!,
            Uri: $"{Path}.json");
    }

    // Until a pool sender is picked, a Messaging Service send has no From yet.
    private string? FromAfter(StatusStep? reached) => Request.From ?? (reached is null ? null : Sender);

    private static DateTimeOffset WholeSeconds(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>Twilio's date format: <c>Thu, 24 Aug 2023 05:01:45 +0000</c>.</summary>
    public static string Rfc2822(DateTimeOffset at) =>
        at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
}
