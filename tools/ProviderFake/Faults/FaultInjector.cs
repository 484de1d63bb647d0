namespace Outbound.ProviderFake.Faults;

/// <summary>The fault a request (or an ACS recipient) drew.</summary>
public enum FaultClass
{
    None,
    Timeout,
    Retryable,
    Throttled,
    Permanent,
    OptedOut,
}

/// <summary>
/// Holds the current <see cref="FaultConfig"/> and throws the dice. The configuration is an immutable record
/// swapped atomically, so reading it costs nothing; the dice are only rolled when some rate is set, so the
/// fault-free hot path takes no lock.
/// </summary>
public sealed class FaultInjector
{
    private readonly FaultConfig _initial;
    private readonly Lock _randomLock = new();
    private volatile FaultConfig _config;
    private Random? _seeded;

    public FaultInjector(FakeSettings settings)
    {
        _initial = settings.Faults;
        _config = _initial;
        _seeded = _initial.Seed is { } seed ? new Random(seed) : null;
    }

    public FaultConfig Current => _config;

    public void Set(FaultConfig config)
    {
        lock (_randomLock)
        {
            _seeded = config.Seed is { } seed ? new Random(seed) : null;
            _config = config;
        }
    }

    /// <summary>Back to the start-up configuration (and its seed).</summary>
    public void Reset() => Set(_initial);

    /// <summary>Request-level classes: timeout, retryable, throttled; with <paramref name="includeRecipientLevel"/> also permanent and opted out.</summary>
    public FaultClass DrawForRequest(FaultConfig config, bool includeRecipientLevel) =>
        Draw(config, requestLevel: true, recipientLevel: includeRecipientLevel);

    /// <summary>Recipient-level classes only (ACS fails recipients one by one): permanent and opted out.</summary>
    public FaultClass DrawForRecipient(FaultConfig config) => Draw(config, requestLevel: false, recipientLevel: true);

    /// <summary>
    /// The retryable class alone, at its rate (the list endpoint: an outage fails it too, the send-only classes do
    /// not). No rate set: no dice and no lock.
    /// </summary>
    public bool DrawRetryable(FaultConfig config) => config.Retryable > 0 && NextDouble() < config.Retryable;

    private FaultClass Draw(FaultConfig c, bool requestLevel, bool recipientLevel)
    {
        ReadOnlySpan<(FaultClass Class, double Rate)> classes =
        [
            (FaultClass.Timeout, requestLevel ? c.Timeout : 0),
            (FaultClass.Retryable, requestLevel ? c.Retryable : 0),
            (FaultClass.Throttled, requestLevel ? c.Throttled : 0),
            (FaultClass.Permanent, recipientLevel ? c.Permanent : 0),
            (FaultClass.OptedOut, recipientLevel ? c.OptedOut : 0),
        ];
        var total = 0.0;
        foreach (var (_, rate) in classes)
        {
            total += rate;
        }

        if (total <= 0)
        {
            return FaultClass.None;
        }

        var roll = NextDouble();
        foreach (var (fault, rate) in classes)
        {
            if (rate > 0 && roll < rate)
            {
                return fault;
            }

            roll -= rate;
        }

        return FaultClass.None;
    }

    private double NextDouble()
    {
        lock (_randomLock)
        {
            return (_seeded ?? Random.Shared).NextDouble();
        }
    }
}
