using System.Text.Json.Serialization;

namespace Outbound.ProviderFake.Faults;

/// <summary>How a message ends, as reported by its last status callback or delivery report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallbackOutcome>))]
public enum CallbackOutcome
{
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    [JsonStringEnumMemberName("undelivered")]
    Undelivered,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>
/// What goes wrong, and how often. The rates are probabilities (0..1) per send request that passed validation
/// (ACS: <see cref="Permanent"/> and <see cref="OptedOut"/> per recipient). <c>GET/PUT /_faults</c> carries this
/// record as JSON; each property also has a <c>FAKE_…</c> configuration key for the start-up value.
/// </summary>
public sealed record FaultConfig
{
    /// <summary>Rate of server errors (<see cref="RetryableStatus"/>, 503 by default): the send was not accepted; a list fails too.</summary>
    public double Retryable { get; init; }

    public int RetryableStatus { get; init; } = 503;

    /// <summary>Rate of 429s (Twilio 20429) carrying <c>Retry-After: </c><see cref="RetryAfterSeconds"/>.</summary>
    public double Throttled { get; init; }

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Rate of permanent rejections: Twilio answers 400 with <see cref="PermanentCode"/>; ACS fails the recipient with 400.</summary>
    public double Permanent { get; init; }

    public int PermanentCode { get; init; } = 21211;

    /// <summary>Rate of opted-out recipients (Twilio 21610).</summary>
    public double OptedOut { get; init; }

    /// <summary>
    /// Rate of requests held for <see cref="TimeoutMs"/> (longer than any sane client timeout). With
    /// <see cref="TimeoutAccepted"/> the message was accepted (ledger, callbacks) before the hold: the ambiguous case.
    /// Afterwards the fake answers (201/202, or 504 when not accepted) or, with <see cref="TimeoutDrop"/>, resets the connection.
    /// </summary>
    public double Timeout { get; init; }

    public int TimeoutMs { get; init; } = 30_000;

    public bool TimeoutAccepted { get; init; }

    public bool TimeoutDrop { get; init; }

    /// <summary>Added to every send, fetch and list before it is answered.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Status callbacks arrive newest first (<c>delivered</c> before <c>sent</c>).</summary>
    public bool OutOfOrder { get; init; }

    /// <summary>Every status callback and delivery report is delivered twice.</summary>
    public bool DuplicateCallbacks { get; init; }

    /// <summary>
    /// No status callback or delivery report is sent for messages accepted meanwhile, as if the webhook were
    /// unreachable: asking the provider is then the only way to learn what became of them.
    /// </summary>
    public bool LostCallbacks { get; init; }

    public CallbackOutcome CallbackOutcome { get; init; } = CallbackOutcome.Delivered;

    /// <summary>The ErrorCode of an undelivered or failed message (30003: unreachable destination handset).</summary>
    public int CallbackErrorCode { get; init; } = 30003;

    /// <summary>Seeds the fault dice: setting it (again) restarts a deterministic sequence; null draws at random.</summary>
    public int? Seed { get; init; }

    [JsonIgnore]
    public bool AnyRate => Retryable > 0 || Throttled > 0 || Permanent > 0 || OptedOut > 0 || Timeout > 0;

    public static FaultConfig From(IConfiguration c)
    {
        var defaults = new FaultConfig();
        return new FaultConfig
        {
            Retryable = c.GetValue("FAKE_FAULT_RETRYABLE", 0.0),
            RetryableStatus = c.GetValue("FAKE_FAULT_RETRYABLE_STATUS", defaults.RetryableStatus),
            Throttled = c.GetValue("FAKE_FAULT_THROTTLED", 0.0),
            RetryAfterSeconds = c.GetValue("FAKE_FAULT_RETRY_AFTER_SECONDS", defaults.RetryAfterSeconds),
            Permanent = c.GetValue("FAKE_FAULT_PERMANENT", 0.0),
            PermanentCode = c.GetValue("FAKE_FAULT_PERMANENT_CODE", defaults.PermanentCode),
            OptedOut = c.GetValue("FAKE_FAULT_OPTED_OUT", 0.0),
            Timeout = c.GetValue("FAKE_FAULT_TIMEOUT", 0.0),
            TimeoutMs = c.GetValue("FAKE_FAULT_TIMEOUT_MS", defaults.TimeoutMs),
            TimeoutAccepted = c.GetValue("FAKE_FAULT_TIMEOUT_ACCEPTED", false),
            TimeoutDrop = c.GetValue("FAKE_FAULT_TIMEOUT_DROP", false),
            LatencyMs = c.GetValue("FAKE_LATENCY_MS", 0),
            OutOfOrder = c.GetValue("FAKE_CALLBACK_OUT_OF_ORDER", false),
            DuplicateCallbacks = c.GetValue("FAKE_DUPLICATE_CALLBACKS", false),
            LostCallbacks = c.GetValue("FAKE_LOST_CALLBACKS", false),
            CallbackOutcome = c["FAKE_CALLBACK_OUTCOME"] is { Length: > 0 } o ? Enum.Parse<CallbackOutcome>(o, ignoreCase: true) : defaults.CallbackOutcome,
            CallbackErrorCode = c.GetValue("FAKE_CALLBACK_ERROR_CODE", defaults.CallbackErrorCode),
            Seed = c["FAKE_SEED"] is { Length: > 0 } ? c.GetValue<int>("FAKE_SEED") : null,
        };
    }

    /// <summary>Why this configuration cannot be used; empty when it can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, rate) in new[] { ("retryable", Retryable), ("throttled", Throttled), ("permanent", Permanent), ("optedOut", OptedOut), ("timeout", Timeout) })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                problems.Add($"{name} must be a rate between 0 and 1.");
            }
        }

        if (Retryable + Throttled + Permanent + OptedOut + Timeout > 1.000001)
        {
            problems.Add("the rates add up to more than 1.");
        }

        if (RetryableStatus is < 500 or > 599)
        {
            problems.Add("retryableStatus must be a 5xx status.");
        }

        if (RetryAfterSeconds < 0 || TimeoutMs < 0 || LatencyMs < 0)
        {
            problems.Add("retryAfterSeconds, timeoutMs and latencyMs cannot be negative.");
        }

        return problems;
    }
}
