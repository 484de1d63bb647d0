using Outbound.Grains.Sending;

namespace Outbound.Tests.Sending;

public sealed class RetryPolicyTests
{
    [Fact]
    public void The_wait_never_comes_before_the_providers_retry_after()
    {
        var random = new Random(1);

        Assert.All(Enumerable.Range(1, 100), attempt =>
            Assert.True(RetryPolicy.Delay(1, TimeSpan.FromSeconds(30), random) >= TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(20, 300)]
    public void The_wait_is_jittered_below_an_exponential_ceiling_capped_at_five_minutes(int attempts, int ceilingSeconds)
    {
        var random = new Random(2);

        var delays = Enumerable.Range(0, 200).Select(_ => RetryPolicy.Delay(attempts, null, random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(ceilingSeconds)));
        Assert.True(delays.Distinct().Count() > 100, "Delays should be spread out, not synchronized.");
    }
}
