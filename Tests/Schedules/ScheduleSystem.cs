using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Tests.Schedules;

/// <summary>
/// The system with a clock the tests move (the silo's TimeProvider: occurrences come due without waiting for them)
/// and storage faults they switch on.
/// </summary>
public sealed class ScheduleSystem : OutboundSystem
{
    public ShiftedClock Clock { get; } = new();

    public InjectedFaults Faults { get; } = new();

    /// <summary>Moves the silo's clock to <paramref name="instant"/> (it goes on ticking from there).</summary>
    public void MoveTo(DateTimeOffset instant) => Clock.Advance(instant - Clock.GetUtcNow());

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureSilo(ISiloBuilder silo) => Faults.InstallIn(silo);
}

/// <summary>Tests that move the clock run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ScheduleCollection : ICollectionFixture<ScheduleSystem>
{
    public const string Name = "schedules";
}
