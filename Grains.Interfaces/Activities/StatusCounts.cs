using Outbound.Sending;

namespace Outbound.Activities;

/// <summary>How many messages are in each status: a batch's summary, and a report's cell.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.StatusCounts")]
public sealed record StatusCounts(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Sending,
    [property: Id(2)] int Sent,
    [property: Id(3)] int Delivered,
    [property: Id(4)] int Undelivered,
    [property: Id(5)] int Failed,
    [property: Id(6)] int Read,
    [property: Id(7)] int Unknown)
{
    public static readonly StatusCounts None = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Held for quiet hours (<see cref="MessageStatus.Scheduled"/>); not final.</summary>
    [Id(8)] public int Scheduled { get; init; }

    public int Total => Accepted + Sending + Sent + Delivered + Undelivered + Failed + Read + Unknown + Scheduled;

    public static StatusCounts Of(IEnumerable<MessageStatus> statuses)
    {
        var counts = new int[10];
        foreach (var status in statuses)
        {
            counts[(int)status]++;
        }

        return new(counts[0], counts[1], counts[2], counts[4], counts[5], counts[3], counts[6], counts[7]) { Scheduled = counts[9] };
    }

    /// <summary>How many messages are in <paramref name="status"/>.</summary>
    public int InStatus(MessageStatus status) => status switch
    {
        MessageStatus.Accepted => Accepted,
        MessageStatus.Sending => Sending,
        MessageStatus.Sent => Sent,
        MessageStatus.Delivered => Delivered,
        MessageStatus.Undelivered => Undelivered,
        MessageStatus.Failed => Failed,
        MessageStatus.Read => Read,
        MessageStatus.Unknown => Unknown,
        MessageStatus.Scheduled => Scheduled,
        _ => 0,
    };

    public StatusCounts Plus(StatusCounts other) => new(
        Accepted + other.Accepted, Sending + other.Sending, Sent + other.Sent, Delivered + other.Delivered,
        Undelivered + other.Undelivered, Failed + other.Failed, Read + other.Read, Unknown + other.Unknown)
    {
        Scheduled = Scheduled + other.Scheduled,
    };
}
