using System.Collections.Concurrent;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// A Twilio-like provider in memory, for the in-process system: it takes every message (unless told otherwise for a
/// recipient), remembers what it was given, and vouches for status callbacks that carry <see cref="Signature"/>.
/// </summary>
public sealed class InMemoryProvider : IMessageProvider, ISignedStatusCallbacks
{
    /// <summary>The signature this provider accepts on a status callback.</summary>
    public const string Signature = "in-memory-signature";

    private readonly ConcurrentQueue<(ProviderMessage Message, Channel Channel, string ProviderMessageId)> _sent = new();
    private readonly ConcurrentDictionary<string, SendOutcome> _outcomes = new();

    public ProviderKind Kind => ProviderKind.Twilio;

    public ProviderCapabilities Capabilities { get; } = new(IdempotentResend: false, StatusReporting.SignedCallbackPerMessage);

    /// <summary>What was sent, in the order it was sent.</summary>
    public IReadOnlyList<(ProviderMessage Message, Channel Channel, string ProviderMessageId)> Sent => [.. _sent];

    /// <summary>Messages to <paramref name="to"/> get <paramref name="outcome"/> from now on instead of being taken.</summary>
    public void Answer(string to, SendOutcome outcome) => _outcomes[to] = outcome;

    public Task<SendOutcome> SendAsync(ProviderMessage message, Channel channel, CancellationToken cancellationToken)
    {
        if (_outcomes.TryGetValue(message.To, out var outcome))
        {
            return Task.FromResult(outcome);
        }

        var id = $"SM{Guid.NewGuid():N}";
        _sent.Enqueue((message, channel, id));
        return Task.FromResult(SendOutcome.Accepted(id));
    }

    /// <summary>A status callback form as this provider posts it: the message's provider id and its new status.</summary>
    public static ImmutableDictionary<string, string> CallbackForm(string providerMessageId, MessageStatus status) =>
        ImmutableDictionary<string, string>.Empty.Add("MessageSid", providerMessageId).Add("MessageStatus", status.ToString());

    public StatusReport? Read(Channel channel, string url, IReadOnlyDictionary<string, string> form, string? signature) =>
        signature == Signature && form.TryGetValue("MessageSid", out var sid) && form.TryGetValue("MessageStatus", out var text)
            && Enum.TryParse<MessageStatus>(text, out var status)
            ? new StatusReport(Guid.NewGuid().ToString("N"), sid, null, status, null, null)
            : null;
}
