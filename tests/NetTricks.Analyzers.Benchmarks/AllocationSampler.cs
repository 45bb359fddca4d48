using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// Tallies the runtime's GC AllocationTick events (one per ~100 KB allocated on a thread, naming the type of the
/// object that crossed the mark) by type name while <see cref="Enabled"/>: a sampled picture of what is allocated.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    public ConcurrentDictionary<string, long> Bytes { get; } = new(StringComparer.Ordinal);

    public volatile bool Enabled;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        // AllocationTick_V4: AllocationAmount (the ~100 KB since the last event), ..., TypeName, ..., AllocationAmount64.
        if (!Enabled || data.EventName is null || !data.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || data.PayloadNames is null)
            return;
        var typeIndex = data.PayloadNames.IndexOf("TypeName");
        var amountIndex = data.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0)
            return;
        Bytes.AddOrUpdate(data.Payload![typeIndex] as string ?? "?", Convert.ToInt64(data.Payload[amountIndex]), (_, total) => total + Convert.ToInt64(data.Payload[amountIndex]));
    }
}
