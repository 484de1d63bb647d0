namespace Outbound.Catalog;

/// <summary>The kinds of things a tenant admin configures. Each kind has its own per-org index.</summary>
public enum CatalogKind
{
    Channel = 0,
    Template = 1,
    Configuration = 2,

    /// <summary>A queue of conversations (routing).</summary>
    Queue = 3,

    /// <summary>An agent who answers conversations (routing).</summary>
    Agent = 4,

    /// <summary>A rule that sends a message when an event of a type arrives (automation).</summary>
    Trigger = 5,

    /// <summary>A schedule that sends at a time, on a cron, or after a delay.</summary>
    Schedule = 6,

    /// <summary>A campaign: an uploaded audience sent in 100-contact requests within a share of the hourly quota.</summary>
    Campaign = 7,
}
