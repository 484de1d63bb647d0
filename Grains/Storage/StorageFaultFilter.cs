using Microsoft.Extensions.Logging;
using Outbound.Hosting;

namespace Outbound.Grains.Storage;

/// <summary>
/// Turns a storage failure escaping any grain call into a <see cref="ServiceUnavailableException"/>, the one
/// type callers (the gateway) map to 503 with Retry-After. The original stays in the silo's log: Azure's and
/// Orleans' exception types are not part of the API, and their messages may name tables and keys.
/// </summary>
public sealed partial class StorageFaultFilter(ILogger<StorageFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (e is not ServiceUnavailableException && StorageFaults.IsTransient(e))
        {
            LogUnavailable(e, context.InterfaceName, context.MethodName);
            throw new ServiceUnavailableException("Storage or the cluster did not answer in time; repeat the request later.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} failed for want of storage or the cluster")]
    private partial void LogUnavailable(Exception exception, string @interface, string method);
}
