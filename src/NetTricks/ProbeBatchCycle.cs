using System;
using System.Collections.Generic;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// Endless batches from a finite sequence: when the sequence ends it is enumerated again (for
/// <see cref="MiniBatch.Shuffled(torch.Tensor, torch.Tensor, int, bool, torch.Generator?)"/> that draws a fresh
/// permutation). Batches follow the sequence's own lifetime rules: each one is used within one step.
/// </summary>
internal sealed class ProbeBatchCycle : IDisposable
{
    private readonly IEnumerable<(torch.Tensor Input, torch.Tensor Target)> batches;
    private IEnumerator<(torch.Tensor Input, torch.Tensor Target)>? enumerator;

    public ProbeBatchCycle(IEnumerable<(torch.Tensor Input, torch.Tensor Target)> batches, string parameterName)
    {
        this.batches = batches ?? throw new ArgumentNullException(parameterName);
    }

    /// <exception cref="ArgumentException">The sequence is empty.</exception>
    public (torch.Tensor Input, torch.Tensor Target) Next()
    {
        enumerator ??= batches.GetEnumerator();
        if (enumerator.MoveNext())
        {
            return enumerator.Current;
        }
        enumerator.Dispose();
        enumerator = batches.GetEnumerator();
        if (enumerator.MoveNext())
        {
            return enumerator.Current;
        }
        throw new ArgumentException("batches is empty: the probe needs at least one (input, target) batch.", "batches");
    }

    public void Dispose()
    {
        enumerator?.Dispose();
        enumerator = null;
    }
}
