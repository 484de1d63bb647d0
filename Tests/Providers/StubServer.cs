using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Outbound.Tests.Providers;

/// <summary>One request the stub received.</summary>
public sealed record CapturedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}

/// <summary>
/// A minimal Kestrel server on a free loopback port that records every request and answers with whatever the
/// test set in <see cref="Respond"/> — canned Twilio or ACS responses, delays, aborted connections.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    private StubServer(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToArray();

    /// <summary>How to answer; the default is 404.</summary>
    public Func<HttpContext, CapturedRequest, Task> Respond { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public static async Task<StubServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var captured = new CapturedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            stub._requests.Enqueue(captured);
            await stub.Respond(context, captured);
        });
        await app.StartAsync();
        stub.Url = new Uri(app.Urls.Single());
        return stub;
    }

    /// <summary>Answers every request with <paramref name="status"/>, a JSON body and optional headers.</summary>
    public void RespondWith(int status, string json, params (string Name, string Value)[] headers) =>
        Respond = async (context, _) =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        };

    /// <summary>
    /// Answers with <paramref name="status"/> and a body that never ends: text trickled until the client hangs up,
    /// as a hostile host at a channel's endpoint would.
    /// </summary>
    public void RespondEndlessly(int status) =>
        Respond = async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain";
            var chunk = Encoding.UTF8.GetBytes(new string('x', 4096));
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(5, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client stopped reading.
            }
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
