using Outbound.Channels;

namespace Outbound.Grains.Providers;

/// <summary>The registered provider clients, looked up by the channel's <see cref="ProviderKind"/>.</summary>
public sealed class MessageProviders
{
    private readonly IReadOnlyDictionary<ProviderKind, IMessageProvider> _byKind;

    public MessageProviders(IEnumerable<IMessageProvider> providers)
    {
        _byKind = providers.ToDictionary(p => p.Kind);
    }

    /// <summary>The client for <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidOperationException">No client is registered for <paramref name="kind"/>.</exception>
    public IMessageProvider For(ProviderKind kind) =>
        _byKind.TryGetValue(kind, out var provider) ? provider : throw new InvalidOperationException($"No message provider is registered for {kind}.");
}
