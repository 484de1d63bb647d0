using Outbound.Grains.Sending;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Tests.Sending;

/// <summary>
/// After acceptance a batch stores only its progress; reactivation lays it over the batch as accepted. Whatever a
/// message learns after acceptance must survive that round trip, or a restarted silo would resend or forget it.
/// </summary>
public sealed class SendBatchProgressTests
{
    // Written once at acceptance, in the batch entity; everything else on a message is progress.
    private static readonly string[] Content =
        [nameof(OutboundMessage.Index), nameof(OutboundMessage.Message), nameof(OutboundMessage.Locale), nameof(OutboundMessage.RegardingEntity), nameof(OutboundMessage.NotBefore)];

    [Fact]
    public void Every_field_a_message_changes_after_acceptance_is_in_its_stored_progress()
    {
        var progressFields = typeof(MessageProgress).GetProperties().Select(p => p.Name).ToHashSet();

        // Stored fields only: a computed property (no setter) is not state.
        var missing = typeof(OutboundMessage).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Where(n => !Content.Contains(n) && !progressFields.Contains(n));

        Assert.Empty(missing);
    }

    [Fact]
    public void Progress_laid_over_the_batch_as_accepted_restores_every_status_and_the_batch_flags()
    {
        var at = new DateTimeOffset(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);
        SendBatchState Accepted() => new()
        {
            Messages = [.. Enumerable.Range(0, 2).Select(i =>
            {
                var message = new OutboundMessage { Index = i, Message = ProviderMessage.Create(Guid.NewGuid(), "+14155550142", "Hi", null, null, null, at, null) };
                message.MoveTo(MessageStatus.Accepted, at);
                return message;
            })],
        };
        var live = Accepted();
        live.Messages[1].Attempts = 2;
        live.Messages[1].MoveTo(MessageStatus.Sent, at.AddSeconds(1));
        live.Messages[1].ProviderMessageId = "SM0123";
        live.Messages[1].Ambiguous = true;
        live.Messages[0].Attempts = 1;
        live.Messages[0].MoveTo(MessageStatus.Accepted, at.AddSeconds(1), "20503");
        live.Messages[0].ErrorCode = "20503";
        live.Messages[0].ErrorMessage = "Service unavailable";
        live.Messages[0].NextAttemptAt = at.AddSeconds(3);
        live.RoundsRecorded = 2;
        live.Indexed = true;
        live.Completed = false;

        var restored = Accepted();
        SendBatchProgress.Of(live).ApplyTo(restored);

        Assert.Equal((2, true, false), (restored.RoundsRecorded, restored.Indexed, restored.Completed));
        foreach (var (expected, actual) in live.Messages.Zip(restored.Messages))
        {
            Assert.Equal(
                (expected.Status, expected.Attempts, expected.ProviderMessageId, expected.ErrorCode, expected.ErrorMessage, expected.Ambiguous, expected.UpdatedAt, expected.NextAttemptAt),
                (actual.Status, actual.Attempts, actual.ProviderMessageId, actual.ErrorCode, actual.ErrorMessage, actual.Ambiguous, actual.UpdatedAt, actual.NextAttemptAt));
            Assert.Equal(expected.History, actual.History);
        }
    }
}
