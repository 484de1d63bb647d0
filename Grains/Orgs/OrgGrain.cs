using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Outbound.Grains.Storage;
using Outbound.Grains.Telemetry;
using Outbound.Orgs;
using Outbound.QuietHours;
using Outbound.Sending;

namespace Outbound.Grains.Orgs;

/// <summary>
/// An org: profile, settings, its API keys, and its hourly send quota. Every send request of the org passes
/// through <see cref="TryAcquireSendAsync"/> and every API request through <see cref="VerifyApiKeyAsync"/>, so
/// the grain is reentrant and coalesces writes: counting stays exact (each decision is made synchronously within
/// one turn) while concurrent requests share one storage write instead of queueing behind one write each.
/// </summary>
[Reentrant]
public sealed class OrgGrain : Grain, IOrgGrain
{
    /// <summary>A key's last use is stored at most this often: a write per request would cost more than the request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly IPersistentState<OrgState> _profile;
    private readonly IPersistentState<QuotaState> _quota;
    private readonly CoalescingWriter _profileWriter;
    private readonly CoalescingWriter _quotaWriter;
    private readonly TimeProvider _time;
    private readonly ILogger<OrgGrain> _logger;
    private readonly OutboundMetrics? _metrics;

    /// <summary>
    /// The batches counted lately, in memory only: a repeat comes within the client's retries, seconds to minutes
    /// later, and the org's own silo failing as well is rarer still than the batch's failing alone.
    /// </summary>
    private readonly RecentBatches _counted = new();

    /// <summary>How long a counted batch is remembered for its repeat.</summary>
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(10);

    public OrgGrain(
        [PersistentState("org", StorageNames.Catalog)] IPersistentState<OrgState> profile,
        [PersistentState("quota", StorageNames.Catalog)] IPersistentState<QuotaState> quota,
        TimeProvider time,
        ILogger<OrgGrain> logger,
        OutboundMetrics? metrics = null)
    {
        _profile = profile;
        _quota = quota;
        _profileWriter = new CoalescingWriter(() => profile.WriteStateAsync(), time);
        _quotaWriter = new CoalescingWriter(() => quota.WriteStateAsync(), time);
        _time = time;
        _logger = logger;
        _metrics = metrics;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Orgs created before keys had names and scopes: each key hash becomes an admin key named "default".
        if (_profile.RecordExists && _profile.State.ApiKeyHashes.Count > 0)
        {
            foreach (var hash in _profile.State.ApiKeyHashes)
            {
                _profile.State.ApiKeys.Add(new ApiKeyRecord
                {
                    Id = Guid.NewGuid(),
                    Name = "default",
                    Scope = ApiKeyScope.Admin,
                    Hash = hash,
                    Prefix = $"sk_{this.GetPrimaryKey():N}_",
                    CreatedAt = _profile.State.CreatedAt,
                });
            }

            _profile.State.ApiKeyHashes = [];
            await _profileWriter.WriteAsync();
        }
    }

    public async Task<bool> CreateAsync(string name, NewApiKey firstKey)
    {
        if (_profile.RecordExists)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        _profile.State = new OrgState { Name = name, Settings = new OrgSettings(), CreatedAt = now, ApiKeys = [ApiKeyRecord.From(firstKey, now)] };
        await _profileWriter.WriteAsync();
        return true;
    }

    public Task<OrgProfile?> GetAsync() =>
        Task.FromResult(_profile.RecordExists
            ? new OrgProfile(this.GetPrimaryKey(), _profile.State.Name, _profile.State.Settings, _profile.State.CreatedAt, _profile.State.Disabled)
            : null);

    public Task<SendAllowance?> GetSendAllowanceAsync()
    {
        if (!_profile.RecordExists)
        {
            return Task.FromResult<SendAllowance?>(null);
        }

        var settings = _profile.State.Settings;
        var current = _quota.State.WindowStart == CurrentWindow();
        var used = current ? _quota.State.Used : 0;
        return Task.FromResult<SendAllowance?>(new SendAllowance(settings, Math.Max(0, settings.MaxRequestsPerHour - used))
        {
            QuietHours = _profile.State.QuietHours,
            CampaignUsed = current ? _quota.State.CampaignUsed : 0,
        });
    }

    public Task<QuotaUsage?> GetQuotaUsageAsync()
    {
        if (!_profile.RecordExists)
        {
            return Task.FromResult<QuotaUsage?>(null);
        }

        // A count from an earlier hour is this hour's zero: only the next acquire resets the stored state.
        var window = CurrentWindow();
        var current = _quota.State.WindowStart == window;
        return Task.FromResult<QuotaUsage?>(new QuotaUsage(
            _profile.State.Settings.MaxRequestsPerHour,
            current ? _quota.State.Used : 0,
            current ? _quota.State.CampaignUsed : 0,
            window,
            window.AddHours(1)));
    }

    public Task<ApiKeyVerdict> VerifyApiKeyAsync(Guid keyId, string apiKeyHash)
    {
        var key = _profile.RecordExists ? _profile.State.ApiKeys.Find(k => k.Id == keyId) : null;
        // Fixed-time so that response timing reveals nothing about how much of a hash matched.
        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(apiKeyHash), Encoding.ASCII.GetBytes(key.Hash)))
        {
            return Task.FromResult(new ApiKeyVerdict(ApiKeyOutcome.Invalid, default));
        }

        if (_profile.State.Disabled)
        {
            return Task.FromResult(new ApiKeyVerdict(ApiKeyOutcome.OrgDisabled, key.Scope));
        }

        RecordUse(key);
        return Task.FromResult(new ApiKeyVerdict(ApiKeyOutcome.Valid, key.Scope, key.AgentId));
    }

    public async Task<AddApiKeyResult> AddApiKeyAsync(NewApiKey key)
    {
        if (!_profile.RecordExists)
        {
            return new AddApiKeyResult(AddApiKeyOutcome.OrgNotFound, null);
        }

        if (_profile.State.ApiKeys.Count >= AddApiKeyResult.MaxKeys)
        {
            return new AddApiKeyResult(AddApiKeyOutcome.TooManyKeys, null);
        }

        var record = ApiKeyRecord.From(key, _time.GetUtcNow());
        _profile.State.ApiKeys.Add(record);
        await _profileWriter.WriteAsync();
        return new AddApiKeyResult(AddApiKeyOutcome.Added, record.ToInfo());
    }

    public Task<ImmutableArray<ApiKeyInfo>> ListApiKeysAsync() =>
        Task.FromResult(_profile.RecordExists ? [.. _profile.State.ApiKeys.Select(k => k.ToInfo())] : ImmutableArray<ApiKeyInfo>.Empty);

    public async Task<bool> RevokeApiKeyAsync(Guid keyId)
    {
        if (!_profile.RecordExists || _profile.State.ApiKeys.RemoveAll(k => k.Id == keyId) == 0)
        {
            return false;
        }

        // Refused from this turn on, in memory, even before the write completes.
        await _profileWriter.WriteAsync();
        return true;
    }

    public async Task RevokeAgentKeysAsync(Guid agentId)
    {
        if (_profile.RecordExists && _profile.State.ApiKeys.RemoveAll(k => k.AgentId == agentId) > 0)
        {
            await _profileWriter.WriteAsync();
        }
    }

    public async Task<bool> SetEnabledAsync(bool enabled)
    {
        if (!_profile.RecordExists)
        {
            return false;
        }

        _profile.State.Disabled = !enabled;
        await _profileWriter.WriteAsync();
        return true;
    }

    public async Task<bool> UpdateSettingsAsync(OrgSettings settings)
    {
        if (!_profile.RecordExists)
        {
            return false;
        }

        _profile.State.Settings = settings;
        await _profileWriter.WriteAsync();
        return true;
    }

    public Task<KeywordSettings?> GetKeywordSettingsAsync() =>
        Task.FromResult(_profile.RecordExists ? _profile.State.Keywords ?? KeywordSettings.Default : null);

    public async Task<bool> UpdateKeywordSettingsAsync(KeywordSettings keywords)
    {
        if (!_profile.RecordExists)
        {
            return false;
        }

        _profile.State.Keywords = keywords;
        await _profileWriter.WriteAsync();
        return true;
    }

    public Task<OrgQuietHours?> GetQuietHoursAsync() =>
        Task.FromResult(_profile.RecordExists ? new OrgQuietHours(_profile.State.QuietHours) : null);

    public async Task<bool> UpdateQuietHoursAsync(QuietHoursSetting? quietHours)
    {
        if (!_profile.RecordExists)
        {
            return false;
        }

        _profile.State.QuietHours = quietHours;
        await _profileWriter.WriteAsync();
        return true;
    }

    public async Task<QuotaDecision> TryAcquireSendAsync(CampaignSend? campaign = null, Guid? batch = null)
    {
        var limit = _profile.State.Settings.MaxRequestsPerHour;
        var window = CurrentWindow();
        var resetAt = window.AddHours(1);
        if (!_profile.RecordExists)
        {
            return new QuotaDecision(false, 0, 0, resetAt);
        }

        if (_profile.State.Disabled)
        {
            _metrics?.QuotaRefused();
            return new QuotaDecision(false, limit, 0, resetAt, OrgDisabled: true);
        }

        // Decide and count in this turn, before any await: reentrant calls cannot interleave here.
        if (_quota.State.WindowStart != window)
        {
            _quota.State.WindowStart = window;
            _quota.State.Used = 0;
            _quota.State.CampaignUsed = 0;
            _counted.Clear();
        }

        var now = _time.GetUtcNow();
        _counted.Forget(now - RepeatWindow);
        if (batch is { } repeated && _counted.Contains(repeated))
        {
            // Its silo went away after the count, before the batch was stored: the repeat is the same request. Its
            // count may still be on its way to storage, and the repeat must not be admitted before it is stored.
            var left = Math.Max(0, limit - _quota.State.Used);
            await _quotaWriter.WriteAsync();
            return new QuotaDecision(true, limit, left, resetAt);
        }

        if (_quota.State.Used >= limit)
        {
            _metrics?.QuotaRefused();
            return new QuotaDecision(false, limit, 0, resetAt);
        }

        if (campaign is not null && _quota.State.CampaignUsed >= campaign.HourlyLimit(limit))
        {
            // The rest of the hour's quota is kept for event-based and instant sends.
            _metrics?.QuotaRefused();
            return new QuotaDecision(false, limit, limit - _quota.State.Used, resetAt, CampaignShareUsed: true);
        }

        var remaining = limit - ++_quota.State.Used;
        _metrics?.QuotaUsed();
        if (batch is { } counted)
        {
            _counted.Add(counted, now);
        }

        if (campaign is not null)
        {
            _quota.State.CampaignUsed++;
        }

        // One write stores both counts: a campaign request costs no more storage than any other.
        await _quotaWriter.WriteAsync();
        return new QuotaDecision(true, limit, remaining, resetAt);
    }

    /// <summary>Keeps the last use to the minute: a key in steady use costs one profile write a minute, not one per request.</summary>
    private void RecordUse(ApiKeyRecord key)
    {
        var now = _time.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - (now.Ticks % LastUsedResolution.Ticks), TimeSpan.Zero);
        if (key.LastUsedAt == minute)
        {
            return;
        }

        key.LastUsedAt = minute;
        _ = WriteLastUseAsync();
    }

    private async Task WriteLastUseAsync()
    {
        try
        {
            await _profileWriter.WriteAsync();
        }
        catch (Exception e)
        {
            // Only a last-used time is at stake; the next write (or the next minute's use) stores it.
            _logger.LogWarning(e, "Storing the last use of an API key of org {OrgId} failed", this.GetPrimaryKey());
        }
    }

    private DateTimeOffset CurrentWindow()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
    }
}

[GenerateSerializer]
public sealed class OrgState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public OrgSettings Settings { get; set; } = new();
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Before keys had names and scopes: SHA-256 hashes (hex) of the org's keys. Moved to <see cref="ApiKeys"/> on activation.</summary>
    [Id(3)] public List<string> ApiKeyHashes { get; set; } = [];

    /// <summary>The org's API keys, by hash: the keys themselves are never stored.</summary>
    [Id(4)] public List<ApiKeyRecord> ApiKeys { get; set; } = [];

    /// <summary>The operator has disabled the org.</summary>
    [Id(5)] public bool Disabled { get; set; }

    /// <summary>The org's own keywords and replies; null: <see cref="KeywordSettings.Default"/>.</summary>
    [Id(6)] public KeywordSettings? Keywords { get; set; }

    /// <summary>The org's quiet hours; null: none.</summary>
    [Id(7)] public QuietHoursSetting? QuietHours { get; set; }
}

[GenerateSerializer]
public sealed class ApiKeyRecord
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public ApiKeyScope Scope { get; set; }

    /// <summary>The SHA-256 (hex) of the whole key. The key is 256 random bits, so a fast hash is enough.</summary>
    [Id(3)] public string Hash { get; set; } = "";
    [Id(4)] public string Prefix { get; set; } = "";
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>An agent key's agent.</summary>
    [Id(7)] public Guid? AgentId { get; set; }

    public static ApiKeyRecord From(NewApiKey key, DateTimeOffset now) =>
        new() { Id = key.Id, Name = key.Name, Scope = key.Scope, Hash = key.Hash, Prefix = key.Prefix, CreatedAt = now, AgentId = key.AgentId };

    public ApiKeyInfo ToInfo() => new(Id, Name, Scope, Prefix, CreatedAt, LastUsedAt, AgentId);
}

/// <summary>Send requests counted in the current hourly window. Stored apart from the profile: it is written far more often.</summary>
[GenerateSerializer]
public sealed class QuotaState
{
    [Id(0)] public DateTimeOffset WindowStart { get; set; }
    [Id(1)] public int Used { get; set; }

    /// <summary>Of <see cref="Used"/>, the requests campaigns sent (all the org's campaigns together).</summary>
    [Id(2)] public int CampaignUsed { get; set; }
}

/// <summary>Batch ids with when they were added, oldest first, forgotten once older than a cut-off.</summary>
internal sealed class RecentBatches
{
    private readonly HashSet<Guid> _ids = [];
    private readonly Queue<(Guid Id, DateTimeOffset At)> _order = new();

    public bool Contains(Guid id) => _ids.Contains(id);

    public void Add(Guid id, DateTimeOffset at)
    {
        if (_ids.Add(id))
        {
            _order.Enqueue((id, at));
        }
    }

    public void Forget(DateTimeOffset olderThan)
    {
        while (_order.TryPeek(out var oldest) && oldest.At < olderThan)
        {
            _ids.Remove(_order.Dequeue().Id);
        }
    }

    public void Clear()
    {
        _ids.Clear();
        _order.Clear();
    }
}
