using System.Text.Json.Serialization;

namespace Outbound.Orgs;

/// <summary>An org (tenant): its profile, settings and API-key hashes. Keyed by the org id.</summary>
public interface IOrgGrain : IGrainWithGuidKey
{
    /// <summary>Creates the org with the SHA-256 hash of its first API key; false if it already exists.</summary>
    Task<bool> CreateAsync(string name, string apiKeyHash);

    /// <summary>The org, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<OrgProfile?> GetAsync();

    /// <summary>
    /// The org's limits and the requests left in the current hour, without taking one; null if the org does not
    /// exist. The count is a hint (other requests may take the rest first): only <see cref="TryAcquireSendAsync"/> decides.
    /// </summary>
    [AlwaysInterleave]
    Task<SendAllowance?> GetSendAllowanceAsync();

    /// <summary>Whether <paramref name="apiKeyHash"/> is the hash of one of the org's API keys.</summary>
    [AlwaysInterleave]
    Task<bool> VerifyApiKeyAsync(string apiKeyHash);

    /// <summary>Replaces the org's limits (an operator action); false if the org does not exist.</summary>
    Task<bool> UpdateSettingsAsync(OrgSettings settings);

    /// <summary>
    /// Takes one send request from the org's hourly quota. The quota window is the UTC clock hour. An allowed
    /// request has been counted durably before this returns, so no crash can let the org exceed its limit.
    /// </summary>
    Task<QuotaDecision> TryAcquireSendAsync();
}

/// <summary>The answer to a quota request, with what the <c>RateLimit-*</c> response headers report.</summary>
/// <param name="Remaining">Requests left in the current window after this one.</param>
/// <param name="ResetAt">When the current window ends and the count starts again.</param>
[GenerateSerializer, Immutable, Alias("Outbound.QuotaDecision")]
public sealed record QuotaDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] int Limit,
    [property: Id(2)] int Remaining,
    [property: Id(3)] DateTimeOffset ResetAt);

/// <summary>What a send request may ask of its org: the org's limits and the requests left this hour.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.SendAllowance")]
public sealed record SendAllowance(
    [property: Id(0)] OrgSettings Settings,
    [property: Id(1)] int Remaining);

/// <summary>Per-org limits; the defaults are the seed product's, and a tenant may have them changed.</summary>
/// <param name="DeliveryDeadlineHours">
/// How long after acceptance a message is still retried (1–72 hours); past it the message ends <c>failed</c> with
/// the reason <c>expired</c>. 0 (settings stored before it existed) means the default.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.OrgSettings")]
public sealed record OrgSettings(
    [property: Id(0)] int MaxContactsPerRequest = OrgSettings.DefaultMaxContactsPerRequest,
    [property: Id(1)] int MaxRequestsPerHour = OrgSettings.DefaultMaxRequestsPerHour,
    [property: Id(2)] int DeliveryDeadlineHours = OrgSettings.DefaultDeliveryDeadlineHours)
{
    public const int DefaultMaxContactsPerRequest = 100;
    public const int DefaultMaxRequestsPerHour = 30_000;
    public const int DefaultDeliveryDeadlineHours = 24;
    public const int MaxDeliveryDeadlineHours = 72;

    /// <summary>How long after acceptance a message is retried.</summary>
    /// <remarks>Derived, so neither stored nor shown: responses and grain state carry <see cref="DeliveryDeadlineHours"/>.</remarks>
    [JsonIgnore]
    public TimeSpan DeliveryDeadline => TimeSpan.FromHours(DeliveryDeadlineHours > 0 ? DeliveryDeadlineHours : DefaultDeliveryDeadlineHours);
}

[GenerateSerializer, Immutable, Alias("Outbound.OrgProfile")]
public sealed record OrgProfile(
    [property: Id(0)] Guid OrgId,
    [property: Id(1)] string Name,
    [property: Id(2)] OrgSettings Settings,
    [property: Id(3)] DateTimeOffset CreatedAt);
