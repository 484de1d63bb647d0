namespace Outbound.Grains;

/// <summary>Grain storage provider names the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Org profiles and the catalog (channels, templates, configurations): small, rarely written, read through caches.</summary>
    public const string Catalog = "catalog";

    /// <summary>Send batches and their messages: one entity per request, written at acceptance and per provider round.</summary>
    public const string Messages = "messages";

    /// <summary>
    /// Conversations, the customers' inbound state, queues and agents: written per inbound message and per
    /// assignment, one row per grain.
    /// </summary>
    public const string Conversations = "conversations";

    /// <summary>
    /// Event logs and their batchers (automation): written per events request and per send request, one row per grain,
    /// many grains' writes sharing a transaction.
    /// </summary>
    public const string Events = "events";
}
