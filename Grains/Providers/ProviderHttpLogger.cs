using System.Net.Http;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Outbound.Grains.Providers;

/// <summary>
/// Logs provider HTTP calls without any header: method, host, path, status and duration only.
/// </summary>
/// <remarks>
/// It replaces IHttpClientFactory's default logging on the provider clients: that one redacts header values in
/// the formatted message, but at Trace it still hands the raw headers (Twilio's Basic credentials) to logging
/// providers as structured state, where a JSON or OpenTelemetry sink would store them.
/// </remarks>
internal sealed partial class ProviderHttpLogger(ILogger<ProviderHttpLogger> logger, string clientName) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        LogStop(clientName, request.Method, request.RequestUri?.Host, request.RequestUri?.AbsolutePath, (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        // The exception type only: messages of transport exceptions are not ours to vouch for.
        LogFailed(clientName, request.Method, request.RequestUri?.Host, request.RequestUri?.AbsolutePath, exception.GetType().Name, elapsed.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Client} {Method} {Host}{Path} answered {StatusCode} in {ElapsedMs:0} ms")]
    private partial void LogStop(string client, HttpMethod method, string? host, string? path, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Client} {Method} {Host}{Path} failed with {ExceptionType} after {ElapsedMs:0} ms")]
    private partial void LogFailed(string client, HttpMethod method, string? host, string? path, string exceptionType, double elapsedMs);
}
