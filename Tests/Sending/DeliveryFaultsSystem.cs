using Microsoft.Extensions.DependencyInjection;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// A system whose delivery meets faults fast: provider attempts time out after a second, retries wait at most a
/// second, a sender round may start requests for two seconds, at most two calls per channel run at once, and
/// the org's share of the delivery backlog is 20 messages. Its clock can be moved forward (a day in a moment) and
/// its storage and configuration lookups made to fail.
/// </summary>
public sealed class DeliveryFaultsSystem() : OutboundSystem(
    ("PROVIDER_TIMEOUT_SECONDS", 1),
    ("RETRY_MAX_DELAY_SECONDS", 1),
    ("SENDER_MAX_CALLS_PER_CHANNEL", 2),
    ("SEND_BACKLOG_LIMIT", 20))
{
    public ShiftedClock Clock { get; } = new();

    public InjectedFaults Faults { get; } = new();

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureSilo(ISiloBuilder silo) => Faults.InstallIn(silo);
}

/// <summary>Tests that switch the system's faults run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DeliveryFaultsCollection : ICollectionFixture<DeliveryFaultsSystem>
{
    public const string Name = "delivery-faults";
}
