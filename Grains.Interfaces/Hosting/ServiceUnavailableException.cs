namespace Outbound.Hosting;

/// <summary>
/// The cluster could not do the work now: storage failed or stalled, or a grain the work needed did not answer.
/// Some of it may have been done; nothing is lost by repeating it later (an API client gets a 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("Outbound.ServiceUnavailableException")]
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException()
    {
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
