using Outbound.Tests.Infrastructure;
using Outbound.Tests.Sending;
using static Outbound.Tests.QuietHours.QuietHoursApiCalls;

namespace Outbound.Tests.QuietHours;

/// <summary>
/// A held message is stored as held: a silo restart neither loses it nor sends it early or twice. A system of its
/// own, restarted before its clock ever moves: a silo restarted on a clock moved days ahead is declared dead by the
/// membership of the one before it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QuietHoursRestartTests(QuietHoursSystem system) : IClassFixture<QuietHoursSystem>
{
    private const string LosAngeles = "+14155550142";

    [Fact]
    public async Task A_held_message_survives_a_silo_restart_and_goes_out_once_when_the_window_opens()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        // Quiet from an hour ago until an hour from now, in UTC: the window is open around the real time.
        var now = system.Clock.GetUtcNow();
        await org.SetOrgQuietHoursAsync(Hours($"{now.AddHours(-1):HH:mm}", $"{now.AddHours(1):HH:mm}", "UTC"));
        var ids = await org.SendAsync(configuration, run, LosAngeles);
        var notBefore = (await org.MessageAsync(ids[0])).NotBefore();

        await system.RestartSiloAsync();
        Assert.Equal("scheduled", (await org.MessageAsync(ids[0])).Status());
        system.SetClock(notBefore.AddMinutes(1));

        await org.Http.WaitForMessageAsync(ids[0], "sent", "delivered");
        Assert.Single(await system.LedgerBodiesAsync(run));
    }
}
