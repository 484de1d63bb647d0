using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Tests.Campaigns;

/// <summary>
/// The system with a clock the tests move (the silo's TimeProvider: a campaign waiting for the next clock hour goes on
/// without waiting for it) and storage faults they switch on.
/// </summary>
public sealed class CampaignSystem : OutboundSystem
{
    public ShiftedClock Clock { get; } = new();

    public InjectedFaults Faults { get; } = new();

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureSilo(ISiloBuilder silo) => Faults.InstallIn(silo);
}

/// <summary>Tests that move the clock or inject faults run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CampaignCollection : ICollectionFixture<CampaignSystem>
{
    public const string Name = "campaigns";
}
