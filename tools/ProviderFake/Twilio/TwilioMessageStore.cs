using System.Collections.Concurrent;

namespace Outbound.ProviderFake.Twilio;

/// <summary>The accepted Twilio messages by sid, for the fetch endpoint (reconciliation).</summary>
public sealed class TwilioMessageStore
{
    private readonly ConcurrentDictionary<string, TwilioMessage> _messages = new(StringComparer.Ordinal);

    public void Add(TwilioMessage message) => _messages[message.Sid] = message;

    public TwilioMessage? Find(string accountSid, string sid) =>
        _messages.TryGetValue(sid, out var message) && message.AccountSid == accountSid ? message : null;

    public void Clear() => _messages.Clear();
}
