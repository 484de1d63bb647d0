using Azure.Data.Tables;
using Orleans.Storage;
using Outbound.Silo.Storage;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Storage;

/// <summary>
/// The messages store keys each grain's row by state and grain, so Azurite's RowKey-first lookups stay short, and
/// rows written before that layout stay readable and writable.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GrainRowKeyStorageTests
{
    private static readonly GrainId BatchA = GrainId.Create("sendbatch", "org/a");
    private static readonly GrainId BatchB = GrainId.Create("sendbatch", "org/b");

    [Fact]
    public async Task Each_grain_writes_its_state_under_a_row_key_of_its_own()
    {
        var table = new RecordingStorage();
        var storage = new GrainRowKeyStorage(table, () => Task.FromResult(false));

        await storage.WriteStateAsync("batch", BatchA, new GrainState<string>("a"));
        await storage.WriteStateAsync("batch", BatchB, new GrainState<string>("b"));

        (string, GrainId)[] expected = [($"batch.{BatchA.GetUniformHashCode():x8}", BatchA), ($"batch.{BatchB.GetUniformHashCode():x8}", BatchB)];
        Assert.Equal(expected.Order(), table.Rows.Keys.Order());
        Assert.NotEqual(expected[0].Item1, expected[1].Item1);
    }

    [Fact]
    public async Task A_state_written_before_the_layout_is_read_and_then_written_in_its_old_row()
    {
        var table = new RecordingStorage();
        await table.WriteStateAsync("batch", BatchA, new GrainState<string>("accepted"));
        var storage = new GrainRowKeyStorage(table, () => Task.FromResult(true));

        var state = new GrainState<string>();
        await storage.ReadStateAsync("batch", BatchA, state);
        state.State = "completed";
        await storage.WriteStateAsync("batch", BatchA, state);

        Assert.True(state.RecordExists);
        var row = Assert.Single(table.Rows);
        Assert.Equal((("batch", BatchA), "completed"), (row.Key, row.Value));
    }

    [Fact]
    public async Task A_table_that_started_with_the_layout_reads_a_new_grain_once()
    {
        var table = new RecordingStorage();
        var asked = 0;
        var storage = new GrainRowKeyStorage(table, () => Task.FromResult(++asked < 0));

        await storage.ReadStateAsync("batch", BatchA, new GrainState<string>());
        await storage.ReadStateAsync("batch", BatchB, new GrainState<string>());

        Assert.Equal(2, table.Reads);
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task An_empty_table_is_marked_as_the_new_layout_and_a_table_with_rows_and_no_mark_is_legacy()
    {
        var service = new TableServiceClient(TestEnvironment.StorageConnectionString);
        var fresh = service.GetTableClient("Layout" + Guid.NewGuid().ToString("N")[..12]);
        var legacy = service.GetTableClient("Layout" + Guid.NewGuid().ToString("N")[..12]);
        await legacy.CreateIfNotExistsAsync();
        await legacy.AddEntityAsync(new TableEntity("service_sendbatch_org_a", "batch"));
        try
        {
            Assert.False(await RowKeyLayout.HasLegacyRowsAsync(fresh));
            await fresh.AddEntityAsync(new TableEntity("service_sendbatch_org_a", "batch.0badf00d"));
            Assert.False(await RowKeyLayout.HasLegacyRowsAsync(fresh));
            Assert.True(await RowKeyLayout.HasLegacyRowsAsync(legacy));
        }
        finally
        {
            await fresh.DeleteAsync();
            await legacy.DeleteAsync();
        }
    }

    /// <summary>A grain storage that keeps each row by (row key, grain) and counts reads.</summary>
    private sealed class RecordingStorage : IGrainStorage
    {
        public Dictionary<(string Row, GrainId Grain), object?> Rows { get; } = [];

        public int Reads { get; private set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Reads++;
            grainState.RecordExists = Rows.TryGetValue((stateName, grainId), out var value);
            grainState.State = grainState.RecordExists ? (T)value! : default!;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Rows[(stateName, grainId)] = grainState.State;
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Rows.Remove((stateName, grainId));
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
    }
}
