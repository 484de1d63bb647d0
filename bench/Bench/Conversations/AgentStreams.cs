using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Outbound.Bench.Conversations;

/// <summary>One <c>assigned</c> event as an agent's screen received it.</summary>
public sealed record AssignedEvent(Guid AgentId, Guid ConversationId, string Customer, long ReceivedTicks);

/// <summary>
/// Holds <c>GET /v1/agents/me/events</c> open for a sample of agents, each with their own agent key, and keeps every
/// <c>assigned</c> event with the time it arrived.
/// </summary>
public sealed class AgentStreams : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly ConcurrentQueue<AssignedEvent> _assigned = new();
    private readonly TaskCompletionSource[] _connected;

    public AgentStreams(Uri gateway, IEnumerable<(Guid AgentId, string Key)> agents)
    {
        _http = BenchHttp.Create(gateway);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        var list = agents.ToList();
        _connected = [.. list.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        for (var i = 0; i < list.Count; i++)
        {
            _readers.Add(ReadAsync(list[i].AgentId, list[i].Key, _connected[i]));
        }
    }

    public int Count => _connected.Length;

    public IReadOnlyCollection<AssignedEvent> Assigned => _assigned;

    /// <summary>Every stream answered and sent its first line, so no assignment made from now on can be missed.</summary>
    public Task ConnectedAsync(TimeSpan timeout) => Task.WhenAll(_connected.Select(c => c.Task)).WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(Guid agentId, string key, TaskCompletionSource connected)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents/me/events");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            if (!response.IsSuccessStatusCode)
            {
                connected.TrySetException(new InvalidOperationException($"The event stream of agent {agentId} answered {(int)response.StatusCode}."));
                return;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            string? type = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                connected.TrySetResult();
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal) && type == "assigned")
                {
                    var at = Stopwatch.GetTimestamp();
                    using var data = JsonDocument.Parse(line["data:".Length..]);
                    _assigned.Enqueue(new AssignedEvent(
                        agentId, data.RootElement.GetProperty("conversationId").GetGuid(), data.RootElement.GetProperty("customer").GetString() ?? "", at));
                }
                else if (line.Length == 0)
                {
                    type = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            connected.TrySetException(e);
        }
    }
}
