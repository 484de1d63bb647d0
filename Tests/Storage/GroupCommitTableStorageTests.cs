using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Orleans.Storage;
using Outbound.Grains.Storage;
using Outbound.Silo.Storage;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Storage;

/// <summary>
/// The conversations store commits many grains' writes in shared table transactions, acknowledges each write only
/// once committed, and keeps every row's ETag check of its own.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GroupCommitTableStorageTests
{
    private readonly CountingPolicy _requests = new();
    private readonly TableClient _table;
    private readonly GroupCommitTableStorage _storage;

    public GroupCommitTableStorageTests()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        _table = new TableServiceClient(TestEnvironment.StorageConnectionString, options).GetTableClient($"GroupCommit{Guid.NewGuid():N}");
        _storage = new GroupCommitTableStorage(_table, new JsonStateSerializer(), new TableGroupCommit(), partitions: 2);
    }

    private static GrainId Grain(int n) => GrainId.Create("conversation", $"{Guid.Empty}/{n}");

    [Fact]
    public async Task Concurrent_writes_of_many_grains_commit_in_far_fewer_requests_and_all_read_back()
    {
        await _storage.WriteStateAsync("warm-up", Grain(-1), new GrainState<Note>(new Note("created")));
        var before = _requests.Count;

        await Task.WhenAll(Enumerable.Range(0, 300).Select(n => _storage.WriteStateAsync("conversation", Grain(n), new GrainState<Note>(new Note($"note {n}")))));

        Assert.True(_requests.Count - before < 100, $"300 writes took {_requests.Count - before} requests");
        foreach (var n in new[] { 0, 150, 299 })
        {
            var read = new GrainState<Note>();
            await _storage.ReadStateAsync("conversation", Grain(n), read);
            Assert.Equal((true, $"note {n}"), (read.RecordExists, read.State!.Text));
        }
    }

    [Fact]
    public async Task Upserts_of_one_row_waiting_together_are_written_once_and_the_row_holds_the_last()
    {
        var commits = new TableGroupCommit();
        await _table.CreateIfNotExistsAsync();
        var before = _requests.Count;

        // An index row rewritten by each change of its conversation: changes that wait together need one write.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => commits.UpsertAsync(_table, new TableEntity("index", "conversation") { ["Version"] = n })));

        var row = await _table.GetEntityAsync<TableEntity>("index", "conversation");
        Assert.Equal(49, row.Value.GetInt32("Version"));
        Assert.True(_requests.Count - before <= 5, $"50 upserts of one row took {_requests.Count - before} requests");
    }

    [Fact]
    public async Task A_stale_writer_fails_alone_and_the_writes_beside_it_commit()
    {
        var mine = new GrainState<Note>(new Note("v1"));
        await _storage.WriteStateAsync("conversation", Grain(1), mine);
        var stale = new GrainState<Note>(new Note("stale")) { ETag = mine.ETag, RecordExists = true };
        mine.State = new Note("v2");
        await _storage.WriteStateAsync("conversation", Grain(1), mine);

        var others = Enumerable.Range(2, 20).Select(n => _storage.WriteStateAsync("conversation", Grain(n), new GrainState<Note>(new Note("other")))).ToList();
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("conversation", Grain(1), stale));
        await Task.WhenAll(others);

        var read = new GrainState<Note>();
        await _storage.ReadStateAsync("conversation", Grain(1), read);
        Assert.Equal("v2", read.State!.Text);
    }

    [Fact]
    public async Task A_state_larger_than_one_column_reads_back_whole_and_a_cleared_one_is_gone()
    {
        var large = new Note(string.Concat(Enumerable.Repeat("0123456789", 20_000)));
        var state = new GrainState<Note>(large);
        await _storage.WriteStateAsync("conversation", Grain(7), state);

        var read = new GrainState<Note>();
        await _storage.ReadStateAsync("conversation", Grain(7), read);
        Assert.Equal(large.Text, read.State!.Text);

        await _storage.ClearStateAsync("conversation", Grain(7), read);
        var after = new GrainState<Note>();
        await _storage.ReadStateAsync("conversation", Grain(7), after);
        Assert.False(after.RecordExists);
    }

    public sealed record Note(string Text);

    private sealed class JsonStateSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => System.Text.Json.JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }

    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
