using Outbound.Grains.Sending;

namespace Outbound.Tests.Sending;

public sealed class DeliveryTimingTests
{
    private static readonly DeliveryTiming Timing = new(AttemptTimeout: TimeSpan.FromSeconds(10), RetryCap: TimeSpan.FromMinutes(5));

    [Fact]
    public void While_a_provider_stays_down_its_messages_wait_longer_up_to_the_retry_cap()
    {
        var breaker = TimeSpan.FromSeconds(5);

        Assert.Equal(breaker, Timing.WaitWhileDown(TimeSpan.Zero, breaker));
        Assert.Equal(TimeSpan.FromMinutes(1), Timing.WaitWhileDown(TimeSpan.FromMinutes(2), breaker));
        Assert.Equal(TimeSpan.FromMinutes(5), Timing.WaitWhileDown(TimeSpan.FromHours(1), breaker));
    }

    [Fact]
    public void Every_call_a_round_started_is_over_before_its_unknown_outcomes_are_settled()
    {
        // Starting requests for the round's budget, each up to three attempts (ACS retries twice).
        Assert.True(Timing.SettleAfter > Timing.RoundBudget + (Timing.AttemptTimeout * 3));
    }
}
