using System.Text.Json.Serialization;
using Outbound.QuietHours;
using Outbound.Sending;

namespace Outbound.Orgs;

/// <summary>An org (tenant): its profile, settings, API keys and whether it is enabled. Keyed by the org id.</summary>
public interface IOrgGrain : IGrainWithGuidKey
{
    /// <summary>Creates the org with its first API key; false if it already exists.</summary>
    Task<bool> CreateAsync(string name, NewApiKey firstKey);

    /// <summary>The org, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<OrgProfile?> GetAsync();

    /// <summary>
    /// The org's limits and the requests left in the current hour, without taking one; null if the org does not
    /// exist. The count is a hint (other requests may take the rest first): only <see cref="TryAcquireSendAsync"/> decides.
    /// </summary>
    [AlwaysInterleave]
    Task<SendAllowance?> GetSendAllowanceAsync();

    /// <summary>
    /// The send requests counted in the current UTC hour and the hourly limit, without taking one or writing
    /// anything; null if the org does not exist.
    /// </summary>
    [AlwaysInterleave]
    [ReadOnly]
    Task<QuotaUsage?> GetQuotaUsageAsync();

    /// <summary>
    /// Whether <paramref name="apiKeyHash"/> is the hash of the org's key <paramref name="keyId"/>, and its scope.
    /// A valid answer records the key's last use.
    /// </summary>
    [AlwaysInterleave]
    Task<ApiKeyVerdict> VerifyApiKeyAsync(Guid keyId, string apiKeyHash);

    /// <summary>Adds an API key (only its hash is stored).</summary>
    Task<AddApiKeyResult> AddApiKeyAsync(NewApiKey key);

    /// <summary>The org's API keys, oldest first; empty if the org does not exist.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<ApiKeyInfo>> ListApiKeysAsync();

    /// <summary>Revokes an API key: from now on it fails verification. False if the org has no such key.</summary>
    Task<bool> RevokeApiKeyAsync(Guid keyId);

    /// <summary>Revokes every key that names <paramref name="agentId"/> (the agent was deleted).</summary>
    Task RevokeAgentKeysAsync(Guid agentId);

    /// <summary>
    /// Enables or disables the org (an operator action): a disabled org's keys fail verification and its send
    /// requests are refused. False if the org does not exist.
    /// </summary>
    Task<bool> SetEnabledAsync(bool enabled);

    /// <summary>Replaces the org's limits (an operator action); false if the org does not exist.</summary>
    Task<bool> UpdateSettingsAsync(OrgSettings settings);

    /// <summary>The org's keywords and replies (<see cref="KeywordSettings.Default"/> until it sets its own); null if the org does not exist.</summary>
    [AlwaysInterleave]
    Task<KeywordSettings?> GetKeywordSettingsAsync();

    /// <summary>Replaces the org's keywords and replies (already validated); false if the org does not exist.</summary>
    Task<bool> UpdateKeywordSettingsAsync(KeywordSettings keywords);

    /// <summary>The org's quiet hours (<see cref="OrgQuietHours.Setting"/> null while it has none); null if the org does not exist.</summary>
    [AlwaysInterleave]
    Task<OrgQuietHours?> GetQuietHoursAsync();

    /// <summary>Replaces the org's quiet hours (already validated), or removes them with null; false if the org does not exist.</summary>
    Task<bool> UpdateQuietHoursAsync(QuietHoursSetting? quietHours);

    /// <summary>
    /// Takes one send request from the org's hourly quota. The quota window is the UTC clock hour. An allowed
    /// request has been counted durably before this returns, so no crash can let the org exceed its limit.
    /// A disabled org is refused (<see cref="QuotaDecision.OrgDisabled"/>).
    /// </summary>
    /// <param name="campaign">
    /// Set for a campaign's request: it is also refused (<see cref="QuotaDecision.CampaignShareUsed"/>) once the
    /// org's campaign requests this hour, all campaigns together, reach <see cref="CampaignSend.HourlyLimit"/>.
    /// </param>
    /// <param name="batch">
    /// The batch asking. A batch whose silo went away after its request was counted, before the batch was stored, asks
    /// again when the request is repeated: counted once already, it is allowed without being counted again.
    /// </param>
    Task<QuotaDecision> TryAcquireSendAsync(CampaignSend? campaign = null, Guid? batch = null);
}

/// <summary>What an API key may do. Each scope reaches the endpoints of its own part of the API.</summary>
public enum ApiKeyScope
{
    /// <summary>Everything the org can do: catalog, keys, reports, timeline, consent, and sending.</summary>
    Admin = 0,

    /// <summary>Sending, message status and contact consent.</summary>
    Send = 1,

    /// <summary>The conversations API (and the org profile).</summary>
    Agent = 2,
}

/// <summary>A key to add: the gateway made it and shows it once; the org keeps only its hash.</summary>
/// <param name="AgentId">An agent key names its agent: the key acts as them.</param>
/// <param name="Hash">The SHA-256 (hex) of the whole key.</param>
/// <param name="Prefix">The key's first characters, so its owner can tell it apart in a list.</param>
[GenerateSerializer, Immutable, Alias("Outbound.NewApiKey")]
public sealed record NewApiKey(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ApiKeyScope Scope,
    [property: Id(3)] string Hash,
    [property: Id(4)] string Prefix,
    [property: Id(5)] Guid? AgentId = null);

/// <summary>An API key as its org sees it: never the key itself.</summary>
/// <param name="LastUsedAt">When it last authenticated a request (to the minute); null if never.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ApiKeyScope Scope,
    [property: Id(3)] string Prefix,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastUsedAt,
    [property: Id(6)] Guid? AgentId = null);

public enum AddApiKeyOutcome
{
    Added = 0,
    OrgNotFound = 1,

    /// <summary>The org holds <see cref="AddApiKeyResult.MaxKeys"/> keys already: one must be revoked first.</summary>
    TooManyKeys = 2,
}

[GenerateSerializer, Immutable, Alias("Outbound.AddApiKeyResult")]
public sealed record AddApiKeyResult(
    [property: Id(0)] AddApiKeyOutcome Outcome,
    [property: Id(1)] ApiKeyInfo? Key)
{
    /// <summary>Keys an org holds at most: enough for every integration to have its own, and a bound on the org's state.</summary>
    public const int MaxKeys = 50;
}

public enum ApiKeyOutcome
{
    /// <summary>The key is the org's, not revoked, and the org is enabled.</summary>
    Valid = 0,

    /// <summary>No such key (never issued, or revoked), or no such org.</summary>
    Invalid = 1,

    /// <summary>The key is the org's, but the operator has disabled the org.</summary>
    OrgDisabled = 2,
}

/// <param name="Scope">With <see cref="ApiKeyOutcome.Valid"/>: what the key may do.</param>
/// <param name="AgentId">The agent an agent key names.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ApiKeyVerdict")]
public sealed record ApiKeyVerdict(
    [property: Id(0)] ApiKeyOutcome Outcome,
    [property: Id(1)] ApiKeyScope Scope,
    [property: Id(2)] Guid? AgentId = null);

/// <summary>The answer to a quota request, with what the <c>RateLimit-*</c> response headers report.</summary>
/// <param name="Remaining">Requests left in the current window after this one.</param>
/// <param name="ResetAt">When the current window ends and the count starts again.</param>
/// <param name="OrgDisabled">Refused because the operator has disabled the org, not for the quota.</param>
/// <param name="CampaignShareUsed">
/// A campaign's request refused because the org's campaigns have used their share of this hour's quota;
/// <see cref="Remaining"/> is then what other sends still have.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.QuotaDecision")]
public sealed record QuotaDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] int Limit,
    [property: Id(2)] int Remaining,
    [property: Id(3)] DateTimeOffset ResetAt,
    [property: Id(4)] bool OrgDisabled = false,
    [property: Id(5)] bool CampaignShareUsed = false);

/// <summary>This hour's use of an org's send quota.</summary>
/// <param name="Used">Send requests counted since <paramref name="WindowStart"/>.</param>
/// <param name="CampaignUsed">Of <paramref name="Used"/>, the requests campaigns sent.</param>
/// <param name="ResetAt">When the count starts again: the next UTC hour.</param>
[GenerateSerializer, Immutable, Alias("Outbound.QuotaUsage")]
public sealed record QuotaUsage(
    [property: Id(0)] int Limit,
    [property: Id(1)] int Used,
    [property: Id(2)] int CampaignUsed,
    [property: Id(3)] DateTimeOffset WindowStart,
    [property: Id(4)] DateTimeOffset ResetAt);

/// <summary>What a send request may ask of its org: the org's limits and the requests left this hour.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.SendAllowance")]
public sealed record SendAllowance(
    [property: Id(0)] OrgSettings Settings,
    [property: Id(1)] int Remaining)
{
    /// <summary>The org's quiet hours, which a configuration's own replace; null: none.</summary>
    [Id(2)] public QuietHoursSetting? QuietHours { get; init; }

    /// <summary>The org's campaign requests counted in the current hour (part of the requests used).</summary>
    [Id(3)] public int CampaignUsed { get; init; }
}

/// <summary>An org's quiet hours: <see cref="Setting"/> is null while it has none.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.OrgQuietHours")]
public sealed record OrgQuietHours([property: Id(0)] QuietHoursSetting? Setting);

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

/// <param name="Disabled">The operator has disabled the org: its keys and sends are refused.</param>
[GenerateSerializer, Immutable, Alias("Outbound.OrgProfile")]
public sealed record OrgProfile(
    [property: Id(0)] Guid OrgId,
    [property: Id(1)] string Name,
    [property: Id(2)] OrgSettings Settings,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] bool Disabled = false);
