using Outbound.Gateway.Cluster;

namespace Outbound.Tests.Hosting;

/// <summary>
/// What the gateway does with a grain call whose silo left the cluster under it (a rolling restart, a crash): the
/// integrator sees the answer of the call made again, not a 503, and nothing that may have run is run twice
/// unless the grain takes it twice.
/// </summary>
public sealed class SiloDeparturesTests
{
    [Fact]
    public async Task A_call_rejected_because_its_silo_is_gone_is_made_again_until_it_answers()
    {
        var calls = 0;

        var answer = await SiloDepartures.CallAsync(
            () => ++calls < 3 ? throw new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to the silo.") : Task.FromResult("accepted"),
            idempotent: false, TimeProvider.System);

        Assert.Equal("accepted", answer);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task A_call_whose_silo_went_away_while_it_ran_is_made_again_only_if_the_grain_takes_it_twice(bool idempotent, int expectedCalls)
    {
        var calls = 0;

        var made = await Record.ExceptionAsync(() => SiloDepartures.CallAsync(
            () => ++calls == 1 ? throw new SiloUnavailableException() : Task.FromResult("accepted"),
            idempotent, TimeProvider.System));

        Assert.Equal(expectedCalls, calls);
        Assert.Equal(idempotent, made is null);
    }

    [Fact]
    public async Task Any_other_failure_reaches_the_caller_at_once()
    {
        var calls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => SiloDepartures.CallAsync<string>(
            () => { calls++; throw new TimeoutException(); }, idempotent: true, TimeProvider.System));

        Assert.Equal(1, calls);
    }
}
