using Outbound.Sending;

namespace Outbound.Tests.Sending;

/// <summary>Late, repeated or out-of-order provider reports never move a message backwards.</summary>
public sealed class MessageStatusRulesTests
{
    [Theory]
    [InlineData(MessageStatus.Delivered, MessageStatus.Sent)]
    [InlineData(MessageStatus.Sent, MessageStatus.Sent)]
    [InlineData(MessageStatus.Delivered, MessageStatus.Failed)]
    [InlineData(MessageStatus.Failed, MessageStatus.Delivered)]
    [InlineData(MessageStatus.Undelivered, MessageStatus.Delivered)]
    [InlineData(MessageStatus.Read, MessageStatus.Delivered)]
    [InlineData(MessageStatus.Sent, MessageStatus.Sending)]
    [InlineData(MessageStatus.Delivered, MessageStatus.Unknown)]
    [InlineData(MessageStatus.Unknown, MessageStatus.Sent)]
    public void A_message_does_not_move_backwards_or_out_of_a_final_status(MessageStatus current, MessageStatus report)
    {
        Assert.False(MessageStatusRules.CanMove(current, report));
    }

    [Theory]
    [InlineData(MessageStatus.Accepted, MessageStatus.Sending)]
    [InlineData(MessageStatus.Sending, MessageStatus.Sent)]
    [InlineData(MessageStatus.Sent, MessageStatus.Delivered)]
    [InlineData(MessageStatus.Sent, MessageStatus.Undelivered)]
    [InlineData(MessageStatus.Sent, MessageStatus.Failed)]
    [InlineData(MessageStatus.Delivered, MessageStatus.Read)]
    [InlineData(MessageStatus.Accepted, MessageStatus.Delivered)]
    [InlineData(MessageStatus.Sent, MessageStatus.Unknown)]
    [InlineData(MessageStatus.Unknown, MessageStatus.Delivered)] // the provider's late word beats our guess
    public void A_message_moves_forward(MessageStatus current, MessageStatus report)
    {
        Assert.True(MessageStatusRules.CanMove(current, report));
    }
}
