namespace Outbound.Orgs;

/// <summary>An org (tenant): its profile, settings and API-key hashes. Keyed by the org id.</summary>
public interface IOrgGrain : IGrainWithGuidKey
{
    /// <summary>Creates the org with the SHA-256 hash of its first API key; false if it already exists.</summary>
    Task<bool> CreateAsync(string name, string apiKeyHash);

    /// <summary>The org, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<OrgProfile?> GetAsync();

    /// <summary>Whether <paramref name="apiKeyHash"/> is the hash of one of the org's API keys.</summary>
    [AlwaysInterleave]
    Task<bool> VerifyApiKeyAsync(string apiKeyHash);
}

/// <summary>Per-org limits; the defaults are the seed product's, and a tenant may have them changed.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.OrgSettings")]
public sealed record OrgSettings(
    [property: Id(0)] int MaxContactsPerRequest = OrgSettings.DefaultMaxContactsPerRequest,
    [property: Id(1)] int MaxRequestsPerHour = OrgSettings.DefaultMaxRequestsPerHour)
{
    public const int DefaultMaxContactsPerRequest = 100;
    public const int DefaultMaxRequestsPerHour = 30_000;
}

[GenerateSerializer, Immutable, Alias("Outbound.OrgProfile")]
public sealed record OrgProfile(
    [property: Id(0)] Guid OrgId,
    [property: Id(1)] string Name,
    [property: Id(2)] OrgSettings Settings,
    [property: Id(3)] DateTimeOffset CreatedAt);
