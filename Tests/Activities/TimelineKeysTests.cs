using Outbound.Activities;
using Outbound.Grains.Activities;

namespace Outbound.Tests.Activities;

/// <summary>Every timeline key fits an Azure Table row key, however long or non-ASCII it is.</summary>
public sealed class TimelineKeysTests
{
    // Azure Table: a row key is at most 1 KiB, 512 UTF-16 characters.
    private const int MaxRowKeyLength = 512;

    [Fact]
    public void An_entityrelationshipname_is_at_most_128_characters_and_384_once_encoded()
    {
        Assert.Null(TimelineKeys.RegardingProblem(new string('a', 128)));
        Assert.Null(TimelineKeys.RegardingProblem(new string('/', 128))); // 3 characters each once encoded
        Assert.Null(TimelineKeys.RegardingProblem(new string('案', 42)));
        Assert.NotNull(TimelineKeys.RegardingProblem(new string('a', 129)));
        Assert.NotNull(TimelineKeys.RegardingProblem(new string('案', 43)));
    }

    [Theory]
    [InlineData(51)] // the first length that broke the row key before the limit
    [InlineData(1_000)]
    public void A_long_key_stored_before_the_limit_still_gets_a_row_key_within_the_table_limit(int characters)
    {
        var key = new string('案', characters);

        var entry = ActivityTables.TimelineEntry(Guid.NewGuid(), TimelineKind.Regarding, key, DateTimeOffset.UtcNow, $"{Guid.NewGuid():N}-999");

        Assert.InRange(entry.RowKey.Length, 1, MaxRowKeyLength);
        Assert.Equal(TimelineKeys.MaxEncodedLength, TimelineKeys.Encode(key).Length);
    }

    [Fact]
    public void Long_keys_that_share_their_beginning_stay_apart_and_each_stays_the_same()
    {
        var first = new string('案', 200) + "A";
        var second = new string('案', 200) + "B";

        Assert.NotEqual(TimelineKeys.Encode(first), TimelineKeys.Encode(second));
        Assert.Equal(TimelineKeys.Encode(first), TimelineKeys.Encode(new string('案', 200) + "A"));
        Assert.DoesNotContain('!', TimelineKeys.Encode(new string('!', 128))); // a short key never looks shortened
    }
}
