using System.Net.Http;
using Azure;
using Orleans.Storage;

namespace Outbound.Hosting;

/// <summary>
/// Which failures mean "storage (or the cluster) cannot do this right now": worth a retry later, and for an API
/// client a 503 with Retry-After rather than a 500. Anything else is a bug and stays one. Shared by the silo (its
/// delivery loop and grain call filter) and the gateway (a grain whose state could not be read fails to activate,
/// before any filter runs).
/// </summary>
public static class StorageFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        // Azure Storage answered with an error, or its client gave up (timeouts, connection failures).
        RequestFailedException or HttpRequestException or IOException => true,
        // Another writer changed the state first: the activation re-reads it and the caller's retry sees the truth.
        InconsistentStateException => true,
        // A grain call that timed out, or whose silo went away.
        TimeoutException or OperationCanceledException or SiloUnavailableException or OrleansMessageRejectionException => true,
        ServiceUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
