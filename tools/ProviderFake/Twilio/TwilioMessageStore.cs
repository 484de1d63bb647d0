using System.Collections.Concurrent;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// The accepted Twilio messages: by sid, for the fetch endpoint (reconciliation), and by account and recipient, for
/// the list endpoint, so a lookup filtered by <c>To</c> costs that recipient's messages rather than the whole store
/// (a benchmark run leaves a million of them).
/// </summary>
public sealed class TwilioMessageStore
{
    private readonly ConcurrentDictionary<string, TwilioMessage> _messages = new(StringComparer.Ordinal);

    // The key holds the message's own strings: no string is built per message. Tuple equality is ordinal.
    private readonly ConcurrentDictionary<(string AccountSid, string To), Recipient> _byRecipient = new();

    public void Add(TwilioMessage message)
    {
        _messages[message.Sid] = message;
        _byRecipient.GetOrAdd((message.AccountSid, message.Request.To!), static _ => new Recipient()).Add(message);
    }

    public TwilioMessage? Find(string accountSid, string sid) =>
        _messages.TryGetValue(sid, out var message) && message.AccountSid == accountSid ? message : null;

    /// <summary>The account's messages to exactly <paramref name="to"/> (a <c>whatsapp:</c> address is another recipient), oldest first.</summary>
    public IReadOnlyList<TwilioMessage> SentTo(string accountSid, string to) =>
        _byRecipient.TryGetValue((accountSid, to), out var recipient) ? recipient.Snapshot() : Array.Empty<TwilioMessage>();

    /// <summary>All of the account's messages, in no order: a scan of the whole store.</summary>
    public IEnumerable<TwilioMessage> OfAccount(string accountSid) =>
        _messages.Values.Where(m => m.AccountSid == accountSid);

    public void Clear()
    {
        _messages.Clear();
        _byRecipient.Clear();
    }

    /// <summary>One recipient's messages in arrival order: append-only, so a snapshot is a view of the array as it was.</summary>
    private sealed class Recipient
    {
        private TwilioMessage[] _items = new TwilioMessage[1];
        private int _count;

        public void Add(TwilioMessage message)
        {
            // A private type nobody else can lock, and no lock object per recipient (there may be a million).
            lock (this)
            {
                if (_count == _items.Length)
                {
                    // A new array: snapshots handed out keep the old one, whose slots never change again.
                    Array.Resize(ref _items, _count * 2);
                }

                _items[_count++] = message;
            }
        }

        public ArraySegment<TwilioMessage> Snapshot()
        {
            lock (this)
            {
                return new ArraySegment<TwilioMessage>(_items, 0, _count);
            }
        }
    }
}
