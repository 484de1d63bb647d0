using System.Security.Cryptography;
using System.Text;
using Orleans.Concurrency;
using Outbound.Grains.Storage;
using Outbound.Orgs;

namespace Outbound.Grains.Orgs;

/// <summary>
/// An org: profile, settings, the hashes of its API keys, and its hourly send quota. Every send request of the
/// org passes through <see cref="TryAcquireSendAsync"/>, so the grain is reentrant and coalesces quota writes:
/// counting stays exact (each decision is made synchronously within one turn) while concurrent requests share
/// one storage write instead of queueing behind one write each.
/// </summary>
[Reentrant]
public sealed class OrgGrain : Grain, IOrgGrain
{
    private readonly IPersistentState<OrgState> _profile;
    private readonly IPersistentState<QuotaState> _quota;
    private readonly CoalescingWriter _quotaWriter;
    private readonly TimeProvider _time;

    public OrgGrain(
        [PersistentState("org", StorageNames.Catalog)] IPersistentState<OrgState> profile,
        [PersistentState("quota", StorageNames.Catalog)] IPersistentState<QuotaState> quota,
        TimeProvider time)
    {
        _profile = profile;
        _quota = quota;
        _quotaWriter = new CoalescingWriter(() => quota.WriteStateAsync(), time);
        _time = time;
    }

    public async Task<bool> CreateAsync(string name, string apiKeyHash)
    {
        if (_profile.RecordExists)
        {
            return false;
        }

        _profile.State = new OrgState { Name = name, Settings = new OrgSettings(), CreatedAt = _time.GetUtcNow(), ApiKeyHashes = [apiKeyHash] };
        await _profile.WriteStateAsync();
        return true;
    }

    public Task<OrgProfile?> GetAsync() =>
        Task.FromResult(_profile.RecordExists ? new OrgProfile(this.GetPrimaryKey(), _profile.State.Name, _profile.State.Settings, _profile.State.CreatedAt) : null);

    public Task<SendAllowance?> GetSendAllowanceAsync()
    {
        if (!_profile.RecordExists)
        {
            return Task.FromResult<SendAllowance?>(null);
        }

        var settings = _profile.State.Settings;
        var used = _quota.State.WindowStart == CurrentWindow() ? _quota.State.Used : 0;
        return Task.FromResult<SendAllowance?>(new SendAllowance(settings, Math.Max(0, settings.MaxRequestsPerHour - used)));
    }

    public Task<bool> VerifyApiKeyAsync(string apiKeyHash)
    {
        var candidate = Encoding.ASCII.GetBytes(apiKeyHash);
        var match = false;
        foreach (var stored in _profile.State.ApiKeyHashes)
        {
            // Fixed-time so that response timing reveals nothing about how much of a hash matched.
            match |= CryptographicOperations.FixedTimeEquals(candidate, Encoding.ASCII.GetBytes(stored));
        }

        return Task.FromResult(_profile.RecordExists && match);
    }

    public async Task<bool> UpdateSettingsAsync(OrgSettings settings)
    {
        if (!_profile.RecordExists)
        {
            return false;
        }

        _profile.State.Settings = settings;
        await _profile.WriteStateAsync();
        return true;
    }

    public async Task<QuotaDecision> TryAcquireSendAsync()
    {
        var limit = _profile.State.Settings.MaxRequestsPerHour;
        var window = CurrentWindow();
        var resetAt = window.AddHours(1);
        if (!_profile.RecordExists)
        {
            return new QuotaDecision(false, 0, 0, resetAt);
        }

        // Decide and count in this turn, before any await: reentrant calls cannot interleave here.
        if (_quota.State.WindowStart != window)
        {
            _quota.State.WindowStart = window;
            _quota.State.Used = 0;
        }

        if (_quota.State.Used >= limit)
        {
            return new QuotaDecision(false, limit, 0, resetAt);
        }

        var remaining = limit - ++_quota.State.Used;
        await _quotaWriter.WriteAsync();
        return new QuotaDecision(true, limit, remaining, resetAt);
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

    /// <summary>SHA-256 hashes (hex) of the org's API keys; the keys themselves are never stored.</summary>
    [Id(3)] public List<string> ApiKeyHashes { get; set; } = [];
}

/// <summary>Send requests counted in the current hourly window. Stored apart from the profile: it is written far more often.</summary>
[GenerateSerializer]
public sealed class QuotaState
{
    [Id(0)] public DateTimeOffset WindowStart { get; set; }
    [Id(1)] public int Used { get; set; }
}
