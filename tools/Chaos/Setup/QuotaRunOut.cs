using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Outbound.Bench.Load;
using Outbound.Bench.Setup;
using Outbound.Chaos.Measure;
using static System.FormattableString;

namespace Outbound.Chaos.Setup;

/// <summary>
/// Makes the org's hourly quota run out during the load's tail, and reads back what it counted. The limit can only be
/// known once the rolling restart is over (how long it takes is what it measures): it becomes the requests counted so
/// far plus half of the requests still to come, so the second half of the tail is refused with 429. Every request the
/// quota counted before, during and after the restarts, on either gateway, then adds up to the limit, or it does not.
/// </summary>
public sealed class QuotaRunOut(HttpClient gateway, Tenant tenant, ChaosOptions options, RunClock clock, TextWriter log)
{
    private long? _limit;
    private double _setAt;
    private DateTimeOffset? _window;

    /// <summary>Notes the quota's hour before the load: should the hour turn during the run, the count started again.</summary>
    public async Task BeginAsync(CancellationToken cancellationToken) => _window = (await UsageAsync(cancellationToken)).WindowStart;

    public async Task SetAsync(DateTimeOffset loadEnd, CancellationToken cancellationToken)
    {
        var usage = await UsageAsync(cancellationToken);
        var toCome = Math.Max(0, (loadEnd - DateTimeOffset.UtcNow).TotalSeconds) * options.Rate;
        var limit = usage.Used + (long)Math.Ceiling(toCome / 2);
        var api = new TenantApi(gateway, options.AdminKey);
        await api.CallAsync(HttpMethod.Put, $"/v1/orgs/{tenant.OrgId}/settings", options.AdminKey,
            new { maxContactsPerRequest = Math.Max(100, options.ContactsPerRequest), maxRequestsPerHour = limit }, cancellationToken);
        (_limit, _setAt) = (limit, clock.Seconds);
        _window ??= usage.WindowStart;
        log.WriteLine(Invariant($"  +{_setAt:F1}s quota: {usage.Used:N0} requests counted so far; the hourly limit is now {limit:N0} (about {toCome:F0} requests still to come)"));
    }

    /// <summary>What the load got back against the limit; null when the limit was never set (the restarts outlasted the load).</summary>
    public async Task<QuotaCheck?> CheckAsync(RequestLog requests, CancellationToken cancellationToken)
    {
        if (_limit is not { } limit)
        {
            return null;
        }

        var usage = await UsageAsync(cancellationToken);
        return new QuotaCheck(limit, Math.Round(_setAt, 1), requests.Records.LongCount(r => r.Status == 202), requests.Records.LongCount(r => r.Status == 429),
            usage.Used, HourTurned: usage.WindowStart != _window);
    }

    private async Task<(long Used, DateTimeOffset WindowStart)> UsageAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/org/usage");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        using var response = await gateway.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var usage = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (usage.GetProperty("used").GetInt64(), usage.GetProperty("windowStart").GetDateTimeOffset());
    }
}
