using System.Runtime.CompilerServices;
using TorchSharp;
using Xunit;

namespace NetTricks.Tests;

/// <summary>Tests that touch process-wide state (torch.manual_seed, CheckedClipping's statics, Console.Error) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "Process-wide torch and NetTricks state";
}

internal static class TestSupport
{
    /// <summary>The line this is called on, to compare with [CallerLineNumber] sites on the same line.</summary>
    public static int LineHere([CallerLineNumber] int line = 0) => line;

    /// <summary>Live tensors created and not yet disposed on this thread (TorchSharp's own bookkeeping).</summary>
    public static long LiveTensors => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Row values of a [n, 1] or [n] tensor of sample ids, in batch order.</summary>
    public static long[] Ids(torch.Tensor batch) => batch.flatten().to(torch.int64).data<long>().ToArray();
}
