using System.Diagnostics.Tracing;

namespace Exchange.Benchmarks.Common;

/// <summary>
/// Splits each garbage collection's pause into its parts from the runtime's own GC events: suspending the
/// managed threads (waiting for every thread to reach a safe point: long when threads are descheduled, e.g.
/// when other processes hold the cores), the collection itself, and restarting the threads.
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Lock _lock = new();
    private readonly List<(int Generation, double SuspendMs, double CollectMs, double TotalMs)> _pauses = [];
    private DateTime _suspendBegin, _suspendEnd, _gcStart;
    private int _generation;

    public (int Count, double SuspendMs, double MaxSuspendMs, double CollectMs, double MaxCollectMs, double MaxTotalMs) Drain()
    {
        lock (_lock)
        {
            var p = _pauses.ToList();
            _pauses.Clear();
            return p.Count == 0 ? default
                : (p.Count, p.Sum(x => x.SuspendMs), p.Max(x => x.SuspendMs), p.Sum(x => x.CollectMs), p.Max(x => x.CollectMs), p.Max(x => x.TotalMs));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_lock)
        {
            switch (e.EventName)
            {
                case { } n when n.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal): _suspendBegin = e.TimeStamp; break;
                case { } n when n.StartsWith("GCSuspendEEEnd", StringComparison.Ordinal): _suspendEnd = e.TimeStamp; break;
                case { } n when n.StartsWith("GCStart", StringComparison.Ordinal):
                    _gcStart = e.TimeStamp;
                    _generation = e.PayloadNames?.IndexOf("Depth") is >= 0 and var i && e.Payload?[i] is uint depth ? (int)depth : -1;
                    break;
                case { } n when n.StartsWith("GCEnd", StringComparison.Ordinal):
                    if (_suspendBegin != default && _gcStart != default)
                        _pauses.Add((_generation, (_suspendEnd - _suspendBegin).TotalMilliseconds, (e.TimeStamp - _gcStart).TotalMilliseconds, 0));
                    break;
                case { } n when n.StartsWith("GCRestartEEEnd", StringComparison.Ordinal):
                    if (_pauses.Count > 0 && _pauses[^1].TotalMs == 0 && _suspendBegin != default)
                        _pauses[^1] = _pauses[^1] with { TotalMs = (e.TimeStamp - _suspendBegin).TotalMilliseconds };
                    _suspendBegin = _gcStart = default;
                    break;
            }
        }
    }
}
