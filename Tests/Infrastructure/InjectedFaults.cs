using Azure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Outbound.Grains;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// Faults a test switches on inside a silo: writes of one grain state that fail as a stalled storage account's
/// do, and configuration lookups that throw. Each counts how often it struck, so a test can wait until it has.
/// </summary>
public sealed class InjectedFaults
{
    private int _storageFailures;
    private int _bindingFailures;

    /// <summary>The state name (<c>batch</c>, <c>inflight</c>, <c>progress</c>…) whose writes fail; null: none.</summary>
    public volatile string? FailingStateWrites;

    /// <summary>
    /// The state name whose writes are stored but reported as failed, as a write that timed out during a storage
    /// stall after it landed: the writer never learns the new ETag. Null: none.
    /// </summary>
    public volatile string? LandingStateWrites;

    /// <summary>Every read and write of grain state (the catalog and the messages stores) fails.</summary>
    public volatile bool StorageDown;

    /// <summary>Outbound configurations' binding lookups (what a send needs) throw.</summary>
    public volatile bool BindingLookupsFail;

    public int StorageFailures => Volatile.Read(ref _storageFailures);

    public int BindingFailures => Volatile.Read(ref _bindingFailures);

    public void Clear()
    {
        FailingStateWrites = null;
        LandingStateWrites = null;
        StorageDown = false;
        BindingLookupsFail = false;
    }

    /// <summary>Wraps the silo's grain storage and adds a call filter, all driven by these switches.</summary>
    public void InstallIn(ISiloBuilder silo)
    {
        foreach (var name in new[] { StorageNames.Catalog, StorageNames.Messages, StorageNames.Conversations })
        {
            var original = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
            silo.Services.Remove(original);
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, key) =>
                new FaultyStorage((IGrainStorage)original.KeyedImplementationFactory!(services, key), this));
        }

        silo.AddIncomingGrainCallFilter(context =>
        {
            if (BindingLookupsFail && context.MethodName == "GetBindingAsync")
            {
                Interlocked.Increment(ref _bindingFailures);
                throw new InvalidOperationException("Injected: the configuration lookup failed.");
            }

            return context.Invoke();
        });
    }

    private void Strike() => Interlocked.Increment(ref _storageFailures);

    /// <remarks>Orleans starts a storage provider through its lifecycle (Table storage creates its table then): passed on.</remarks>
    private sealed class FaultyStorage(IGrainStorage inner, InjectedFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Fails(stateName, write: false) ? Unavailable() : inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (Fails(stateName, write: true))
            {
                await Unavailable();
            }

            if (faults.LandingStateWrites != stateName)
            {
                await inner.WriteStateAsync(stateName, grainId, grainState);
                return;
            }

            // Written through a copy, so the writer's own state keeps the ETag it had.
            await inner.WriteStateAsync(stateName, grainId, new GrainState<T>(grainState.State, grainState.ETag) { RecordExists = grainState.RecordExists });
            await Unavailable();
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Fails(stateName, write: true) ? Unavailable() : inner.ClearStateAsync(stateName, grainId, grainState);

        private bool Fails(string stateName, bool write) =>
            faults.StorageDown || (write && faults.FailingStateWrites == stateName);

        private Task Unavailable()
        {
            faults.Strike();
            return Task.FromException(new RequestFailedException(503, "Injected: the storage account did not answer."));
        }
    }
}
