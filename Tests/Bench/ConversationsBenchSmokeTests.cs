using Outbound.Bench;
using Outbound.Bench.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Bench;

/// <summary>
/// A seconds-long run of the inbound benchmark (<c>./bench.sh conversations</c>) against the test system: every
/// webhook is answered 200 and ends as exactly one assigned conversation, no agent over capacity, and the agents'
/// event streams show the assignments. Numbers are not asserted: they belong to <c>./bench.sh</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConversationsBenchSmokeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task A_short_conversations_bench_run_assigns_every_answered_webhook_exactly_once()
    {
        var result = await SmokeRuns.RunAsync(output, options => options with
        {
            Scenario = Scenarios.Conversations,
            // 800 slots: more than a few seconds of closed loop can open, so nothing waits.
            Agents = 8,
            Capacity = 100,
            AgentStreams = 4,
        });

        Assert.NotNull(result.Conversations);
        Assert.Equal([PhaseNames.Closed, PhaseNames.Open], result.Conversations.Phases.Select(p => p.Name));
        foreach (var phase in result.Conversations.Phases)
        {
            Assert.True(phase.Answered > 0, $"{phase.Name}: no webhook was answered 200.");
            Assert.Empty(phase.Statuses);
            Assert.True(phase.Check.Clean, $"{phase.Name}: {phase.Check}");
        }

        // Every agent had a stream open, so every assignment showed as an event.
        var last = result.Conversations.Phases[^1];
        Assert.Equal(last.Check.Answered, last.Check.AssignedEvents);
        Assert.True(last.AssignedLatencyMs.Count > 0, "No assigned event matched a webhook of the open loop's window.");
        Assert.True(result.Clean);
    }
}
