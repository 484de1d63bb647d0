using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.ProviderFake;

/// <summary>One request the app side received from the fake.</summary>
public sealed record ReceivedRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyDictionary<string, string> Form)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A tiny Kestrel app standing in for the platform's webhook endpoints: records everything it receives and answers
/// with <see cref="Responder"/> (200 by default). With <c>answersEventGridHandshakes</c> it validates Event Grid
/// subscriptions as a well-behaved app does.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly ConcurrentQueue<ReceivedRequest> _all = new();
    private readonly WebApplication _app;

    private WebhookListener(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    /// <summary>Decides each answer; null falls back to 200.</summary>
    public Func<ReceivedRequest, IResult?>? Responder { get; set; }

    public static async Task<WebhookListener> StartAsync(bool answersEventGridHandshakes = true)
    {
        var port = TestEnvironment.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var listener = new WebhookListener(app, port);
        app.Map("/{**path}", async (HttpContext context) =>
        {
            var received = await ReadAsync(context);
            listener._all.Enqueue(received);
            await listener._received.Writer.WriteAsync(received);
            return listener.Responder?.Invoke(received)
                ?? (answersEventGridHandshakes ? EventGridHandshake(received) : null)
                ?? Results.Ok();
        });
        await app.StartAsync();
        return listener;
    }

    /// <summary>Waits until <paramref name="count"/> requests (matching <paramref name="filter"/>) have arrived; fails after 5 s.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, Func<ReceivedRequest, bool>? filter = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var matched = new List<ReceivedRequest>();
        try
        {
            while (matched.Count < count)
            {
                var next = await _received.Reader.ReadAsync(timeout.Token);
                if (filter is null || filter(next))
                {
                    matched.Add(next);
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Expected {count} requests, got {matched.Count} within 5 s: {string.Join(", ", matched.Select(m => m.Body))}");
        }

        return matched;
    }

    public IReadOnlyList<ReceivedRequest> All => [.. _all];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<ReceivedRequest> ReadAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        var body = await reader.ReadToEndAsync();
        context.Request.Body.Position = 0;
        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : [];
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        return new ReceivedRequest(context.Request.Method, target, headers, body, form);
    }

    /// <summary>Answers Event Grid's validation requests as the app must (providers.md §4.6); null for anything else.</summary>
    public static IResult? EventGridHandshake(ReceivedRequest request)
    {
        if (request.Method == "OPTIONS" && request.Header("WebHook-Request-Origin") is { } origin)
        {
            return new AllowOrigin(origin);
        }

        if (request.Header("aeg-event-type") == "SubscriptionValidation")
        {
            var code = request.Json()[0].GetProperty("data").GetProperty("validationCode").GetString();
            return Results.Ok(new { validationResponse = code });
        }

        return null;
    }

    private sealed class AllowOrigin(string origin) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["WebHook-Allowed-Origin"] = origin;
            return Task.CompletedTask;
        }
    }
}
