using Orleans.Runtime;
using Orleans.Storage;

namespace Exchange.Persistence;

/// <summary>
/// Orleans' ADO.NET grain storage reads its queries from the database while the silo starts, so with the database
/// down the silo would not start at all, and every market with it, though only the oracles keep state there. This
/// holds the storage's start back until the first read or write, and tries again at the next one if it fails: a silo
/// comes up (live, not ready) without its database, and the oracles' calls fail until the database is back.
/// </summary>
internal sealed class StartedOnFirstUseGrainStorage : IGrainStorage, ISiloLifecycle, IDisposable
{
    private readonly IGrainStorage _inner;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly List<ILifecycleObserver> _observers = [];
    private volatile bool _started;

    public StartedOnFirstUseGrainStorage(IGrainStorage inner, ILifecycleParticipant<ISiloLifecycle> participant)
    {
        _inner = inner;
        participant.Participate(this);
    }

    public int HighestCompletedStage { get; private set; }

    public int LowestStoppedStage { get; private set; }

    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _observers.Add(observer);
        return this;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Started();
        await _inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Started();
        await _inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Started();
        await _inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private async Task Started()
    {
        if (_started) return;
        await _starting.WaitAsync();
        try
        {
            if (_started) return;
            foreach (var observer in _observers) await observer.OnStart(CancellationToken.None);
            _started = true;
        }
        finally
        {
            _starting.Release();
        }
    }

    public void Dispose() => _starting.Dispose();
}
