using System.Collections.Concurrent;

namespace Outbound.Tests.Infrastructure;

/// <summary>Every grain call a silo received, by target grain and method: what a request cost the cluster.</summary>
public sealed class GrainCalls
{
    private readonly ConcurrentQueue<(GrainId Target, string Method)> _calls = new();

    public void InstallIn(ISiloBuilder silo) =>
        silo.AddIncomingGrainCallFilter(context =>
        {
            _calls.Enqueue((context.TargetId, context.MethodName));
            return context.Invoke();
        });

    /// <summary>The methods called on <paramref name="grain"/> so far, oldest first.</summary>
    public IReadOnlyList<string> To(IAddressable grain) => [.. _calls.Where(c => c.Target == grain.GetGrainId()).Select(c => c.Method)];
}
