using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Outbound.Grains;
using Outbound.Orgs;
using Outbound.Sending;

namespace Outbound.Tests.Orgs;

/// <summary>The per-org hourly send quota kept by the OrgGrain.</summary>
public sealed class OrgQuotaTests : IAsyncLifetime
{
    // 10:20 UTC: the current quota window is 10:00–11:00.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 20, 0, TimeSpan.Zero));
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OrgGrainCluster.StartAsync(_time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static readonly NewApiKey FirstKey = new(Guid.NewGuid(), "default", ApiKeyScope.Admin, "hash", "sk_");

    private async Task<IOrgGrain> OrgWithLimitAsync(int requestsPerHour)
    {
        var org = _cluster.Client.GetGrain<IOrgGrain>(Guid.NewGuid());
        await org.CreateAsync("Contoso", FirstKey);
        await org.UpdateSettingsAsync(new OrgSettings(MaxRequestsPerHour: requestsPerHour));
        return org;
    }

    [Fact]
    public async Task A_new_org_may_make_30000_requests_an_hour()
    {
        var org = _cluster.Client.GetGrain<IOrgGrain>(Guid.NewGuid());
        await org.CreateAsync("Contoso", FirstKey);

        var decision = await org.TryAcquireSendAsync();

        Assert.Equal(new QuotaDecision(true, 30_000, 29_999, new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.Zero)), decision);
    }

    [Fact]
    public async Task Usage_is_this_hours_count_and_reads_as_zero_once_the_next_hour_starts()
    {
        var org = await OrgWithLimitAsync(10);
        await org.TryAcquireSendAsync();
        await org.TryAcquireSendAsync(new CampaignSend(Guid.NewGuid(), 0.5));

        var now = await org.GetQuotaUsageAsync();
        _time.Advance(TimeSpan.FromHours(1));
        var next = await org.GetQuotaUsageAsync();

        var hour = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new QuotaUsage(10, 2, 1, hour, hour.AddHours(1)), now);
        Assert.Equal(new QuotaUsage(10, 0, 0, hour.AddHours(1), hour.AddHours(2)), next);
        Assert.True((await org.TryAcquireSendAsync()).Allowed);
    }

    [Fact]
    public async Task Concurrent_callers_get_exactly_the_limit_and_no_more()
    {
        var org = await OrgWithLimitAsync(500);

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var decisions = new List<QuotaDecision>();
            for (var i = 0; i < 80; i++)
            {
                decisions.Add(await org.TryAcquireSendAsync());
            }

            return decisions;
        }));
        var all = (await Task.WhenAll(callers)).SelectMany(d => d).ToList();

        var allowed = all.Where(d => d.Allowed).ToList();
        Assert.Equal(500, allowed.Count);
        Assert.Equal(Enumerable.Range(0, 500), allowed.Select(d => d.Remaining).Order());
        Assert.All(all.Where(d => !d.Allowed), d => Assert.Equal(0, d.Remaining));
    }

    [Fact]
    public async Task The_count_starts_again_with_the_next_clock_hour()
    {
        var org = await OrgWithLimitAsync(2);
        await org.TryAcquireSendAsync();
        await org.TryAcquireSendAsync();

        var denied = await org.TryAcquireSendAsync();
        _time.Advance(TimeSpan.FromMinutes(40));
        var nextHour = await org.TryAcquireSendAsync();

        Assert.False(denied.Allowed);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.Zero), denied.ResetAt);
        Assert.True(nextHour.Allowed);
        Assert.Equal(1, nextHour.Remaining);
    }

    [Fact]
    public async Task Counted_requests_survive_the_grain_being_deactivated()
    {
        var org = await OrgWithLimitAsync(5);
        for (var i = 0; i < 3; i++)
        {
            await org.TryAcquireSendAsync();
        }

        await _cluster.DeactivateAsync(org);
        await _cluster.WaitForDeactivationAsync(org);

        Assert.Equal(1, (await org.TryAcquireSendAsync()).Remaining);
    }

    [Fact]
    public async Task A_batch_that_asks_again_after_losing_its_silo_is_counted_once()
    {
        var org = await OrgWithLimitAsync(3);
        var batch = Guid.NewGuid();

        var first = await org.TryAcquireSendAsync(batch: batch);
        var repeat = await org.TryAcquireSendAsync(batch: batch);
        var other = await org.TryAcquireSendAsync(batch: Guid.NewGuid());

        Assert.True(first.Allowed && repeat.Allowed);
        Assert.Equal(2, (await org.GetQuotaUsageAsync())!.Used);
        Assert.Equal(1, other.Remaining);
    }

    [Fact]
    public async Task An_org_that_does_not_exist_gets_no_quota()
    {
        var decision = await _cluster.Client.GetGrain<IOrgGrain>(Guid.NewGuid()).TryAcquireSendAsync();

        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task The_allowance_tells_the_requests_left_this_hour_without_taking_one()
    {
        var org = await OrgWithLimitAsync(5);
        await org.TryAcquireSendAsync();
        await org.TryAcquireSendAsync();

        Assert.Equal(3, (await org.GetSendAllowanceAsync())!.Remaining);
        Assert.Equal(3, (await org.GetSendAllowanceAsync())!.Remaining);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, (await org.GetSendAllowanceAsync())!.Remaining);
    }

    [Fact]
    public async Task A_disabled_org_is_refused_its_sends_and_an_enabled_one_is_not()
    {
        var org = await OrgWithLimitAsync(10);

        await org.SetEnabledAsync(false);
        var refused = await org.TryAcquireSendAsync();
        await org.SetEnabledAsync(true);
        var allowed = await org.TryAcquireSendAsync();

        Assert.True(refused is { Allowed: false, OrgDisabled: true }, $"{refused}");
        Assert.True(allowed is { Allowed: true, OrgDisabled: false, Remaining: 9 }, $"{allowed}");
    }
}
