using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Outbound.Grains.Sending;
using Outbound.Providers;
using Outbound.Sending;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>The size check before acceptance never lets through a batch the storage would refuse.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StoredBatchSizeTests(OutboundSystem system)
{
    [Theory]
    [InlineData("Hi Ana, case CAS-1 is open.", 1)]
    [InlineData("<&'+\"\\案🙂\u0001", 100)] // every character JSON escapes
    [InlineData("案", 1_000)]
    public void The_quick_bound_is_never_below_what_the_silo_stores(string text, int messages)
    {
        var serializer = system.SiloServices.GetRequiredService<IGrainStorageSerializer>();
        var batch = Batch(string.Concat(Enumerable.Repeat(text, 1_600 / text.Length)), messages);

        var stored = serializer.Serialize(batch).ToMemory().Length;

        Assert.InRange(StoredBatchSize.UpperBound(batch), stored, long.MaxValue);
    }

    [Fact]
    public void A_batch_over_the_limit_is_measured_and_refused()
    {
        var serializer = system.SiloServices.GetRequiredService<IGrainStorageSerializer>();
        var batch = Batch(new string('案', 1_600), 300);

        Assert.True(StoredBatchSize.Exceeds(batch, serializer, out var bytes));
        Assert.Equal(serializer.Serialize(batch).ToMemory().Length, bytes);
    }

    private static SendBatchState Batch(string text, int messages)
    {
        var now = DateTimeOffset.UtcNow;
        var batch = new SendBatchState { RequestHash = new string('a', 64), AcceptedAt = now, Deadline = now.AddDays(1) };
        for (var i = 0; i < messages; i++)
        {
            var message = new OutboundMessage
            {
                Index = i,
                Message = ProviderMessage.Create(Guid.NewGuid(), "+14155550100", text, null, ImmutableDictionary<string, string>.Empty.Add("1", text), new Uri("https://example.test/callbacks"), now, "tag"),
                Locale = "en-US",
                RegardingEntity = "incident_msdyn_ocoutboundmessages",
            };
            message.MoveTo(MessageStatus.Accepted, now);
            batch.Messages.Add(message);
            batch.Results.Add(new ContactResult(MessageIds.Format(Guid.NewGuid(), i), ContactStatus.Accepted, null));
        }

        return batch;
    }
}
