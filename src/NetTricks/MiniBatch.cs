using System;
using System.Collections.Generic;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// Mini-batches over dimension 0 (the sample dimension) of in-memory tensors, the replacement for
/// full-batch gradient descent (NT3001).
/// </summary>
/// <remarks>
/// <para><b>Lifetime contract.</b> Each batch tensor is owned by the enumerator, not by any
/// <see cref="DisposeScope"/>: it is created detached from every dispose scope, stays valid for the whole
/// iteration in which it is yielded, and is disposed when the enumerator moves to the next batch or is
/// disposed (end of <c>foreach</c>, <c>break</c>, exception). This is the same contract as TorchSharp's
/// <c>DataLoader</c> with <c>disposeBatch: true</c>. Consequences:</para>
/// <list type="bullet">
/// <item><description>With a dispose scope per iteration (<c>foreach (var (x, y) in ...) { using var scope = torch.NewDisposeScope(); ... }</c>),
/// with one scope around the whole loop, or with no scope at all, the batches themselves never accumulate:
/// at most one batch per enumerator is alive. (Temporaries the loop body creates are still the caller's
/// business: use a scope per iteration.)</description></item>
/// <item><description>A scope that calls <c>DisposeEverything()</c> inside the loop does not invalidate the
/// current batch, because batches are never attached to a scope.</description></item>
/// <item><description>To keep a batch beyond its iteration (or materialise the sequence with
/// <c>ToList()</c>), <c>clone()</c> it inside the iteration; otherwise it is disposed on the next step.</description></item>
/// </list>
/// <para>Batches live on the device of the tensor they come from. Shuffled batches are copies
/// (<c>index_select</c>); in-order batches are views (<c>narrow</c>) that share storage with the source.
/// The permutation is drawn on the CPU (or on the device of <c>generator</c>) so that a seeded generator, or
/// <c>torch.manual_seed</c> when none is given, reproduces the order on any device.</para>
/// </remarks>
public static class MiniBatch
{
    /// <summary>
    /// Shuffled mini-batches of matching rows of <paramref name="inputs"/> and <paramref name="targets"/>;
    /// every enumeration draws a fresh permutation, so re-enumerate the same sequence once per epoch.
    /// </summary>
    /// <param name="inputs">Samples along dimension 0.</param>
    /// <param name="targets">Targets along dimension 0; same size along dimension 0 as <paramref name="inputs"/>.</param>
    /// <param name="batchSize">Samples per batch (positive). The last batch is smaller when the sample count is not a multiple.</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="generator">Random generator for the permutation; <c>null</c> uses torch's default CPU generator.</param>
    /// <returns>Batches that stay valid for one iteration (see the lifetime contract on <see cref="MiniBatch"/>).</returns>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A tensor is 0-dimensional, disposed, or the sizes along dimension 0 differ.</exception>
    public static IEnumerable<(torch.Tensor Input, torch.Tensor Target)> Shuffled(
        torch.Tensor inputs, torch.Tensor targets, int batchSize, bool dropLast = false, torch.Generator? generator = null)
    {
        long count = ValidatePair(inputs, targets, batchSize);
        return Pairs(Batches(new[] { inputs, targets }, count, batchSize, dropLast, shuffle: true, generator));
    }

    /// <summary>
    /// Shuffled mini-batches of the rows of <paramref name="inputs"/>; every enumeration draws a fresh permutation.
    /// </summary>
    /// <param name="inputs">Samples along dimension 0.</param>
    /// <param name="batchSize">Samples per batch (positive).</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="generator">Random generator for the permutation; <c>null</c> uses torch's default CPU generator.</param>
    /// <returns>Batches that stay valid for one iteration (see the lifetime contract on <see cref="MiniBatch"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is 0-dimensional or disposed.</exception>
    public static IEnumerable<torch.Tensor> Shuffled(
        torch.Tensor inputs, int batchSize, bool dropLast = false, torch.Generator? generator = null)
    {
        ValidateBatchSize(batchSize);
        long count = SampleCount(inputs, nameof(inputs));
        return Singles(Batches(new[] { inputs }, count, batchSize, dropLast, shuffle: true, generator));
    }

    /// <summary>
    /// Mini-batches in sample order without shuffling (for evaluation); the last batch may be smaller.
    /// </summary>
    /// <param name="inputs">Samples along dimension 0.</param>
    /// <param name="targets">Targets along dimension 0; same size along dimension 0 as <paramref name="inputs"/>.</param>
    /// <param name="batchSize">Samples per batch (positive).</param>
    /// <returns>Views of the sources that stay valid for one iteration (see the lifetime contract on <see cref="MiniBatch"/>).</returns>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A tensor is 0-dimensional, disposed, or the sizes along dimension 0 differ.</exception>
    public static IEnumerable<(torch.Tensor Input, torch.Tensor Target)> InOrder(
        torch.Tensor inputs, torch.Tensor targets, int batchSize)
    {
        long count = ValidatePair(inputs, targets, batchSize);
        return Pairs(Batches(new[] { inputs, targets }, count, batchSize, dropLast: false, shuffle: false, generator: null));
    }

    private static long ValidatePair(torch.Tensor inputs, torch.Tensor targets, int batchSize)
    {
        ValidateBatchSize(batchSize);
        long inputCount = SampleCount(inputs, nameof(inputs));
        long targetCount = SampleCount(targets, nameof(targets));
        if (inputCount != targetCount)
        {
            throw new ArgumentException(
                $"inputs and targets must have the same size along dimension 0 (one target per sample), but inputs has {inputCount} and targets has {targetCount}.",
                nameof(targets));
        }
        return inputCount;
    }

    private static void ValidateBatchSize(int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive, but was {batchSize}.");
        }
    }

    private static long SampleCount(torch.Tensor tensor, string name)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(name);
        }
        if (tensor.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }
        if (tensor.dim() == 0)
        {
            throw new ArgumentException(
                $"{name} is a 0-dimensional (scalar) tensor; mini-batches are taken along dimension 0, so it needs at least one dimension (shape [samples, ...]).",
                name);
        }
        return tensor.shape[0];
    }

    private static IEnumerable<(torch.Tensor Input, torch.Tensor Target)> Pairs(IEnumerable<torch.Tensor[]> batches)
    {
        foreach (var batch in batches)
        {
            yield return (batch[0], batch[1]);
        }
    }

    private static IEnumerable<torch.Tensor> Singles(IEnumerable<torch.Tensor[]> batches)
    {
        foreach (var batch in batches)
        {
            yield return batch[0];
        }
    }

    // The iterator owns everything it creates (permutation and batches): all of it is detached from dispose
    // scopes, so neither a per-iteration scope nor DisposeEverything() in the caller's loop can free it early,
    // and it is disposed here, deterministically, one batch at a time.
    private static IEnumerable<torch.Tensor[]> Batches(
        torch.Tensor[] sources, long count, int batchSize, bool dropLast, bool shuffle, torch.Generator? generator)
    {
        var permutations = new List<torch.Tensor>(); // the permutation, once per device it is needed on
        torch.Tensor[]? current = null;
        try
        {
            torch.Tensor? permutation = shuffle ? DrawPermutation(count, generator) : null;
            if (permutation is not null)
            {
                permutations.Add(permutation);
            }

            for (long start = 0; start < count; start += batchSize)
            {
                long length = Math.Min(batchSize, count - start);
                if (dropLast && length < batchSize)
                {
                    yield break;
                }

                DisposeAll(current);
                current = null;
                var batch = new torch.Tensor[sources.Length];
                using (torch.NewDisposeScope())
                {
                    for (int i = 0; i < sources.Length; i++)
                    {
                        var source = sources[i];
                        batch[i] = permutation is null
                            ? source.narrow(0, start, length)
                            : source.index_select(0, PermutationOn(source.device, permutations).narrow(0, start, length));
                        batch[i].DetachFromDisposeScope();
                    }
                }
                current = batch;
                yield return batch;
            }
        }
        finally
        {
            DisposeAll(current);
            foreach (var permutation in permutations)
            {
                permutation.Dispose();
            }
        }
    }

    private static torch.Tensor DrawPermutation(long count, torch.Generator? generator)
    {
        using (torch.NewDisposeScope())
        {
            // Drawn where the generator lives (CPU by default): the order then depends only on the seed.
            var device = generator?.device ?? torch.CPU;
            return torch.randperm(count, dtype: torch.int64, device: device, generator: generator).DetachFromDisposeScope();
        }
    }

    private static torch.Tensor PermutationOn(torch.Device device, List<torch.Tensor> permutations)
    {
        foreach (var permutation in permutations)
        {
            if (SameDevice(permutation.device, device))
            {
                return permutation;
            }
        }
        var moved = permutations[0].to(device).DetachFromDisposeScope();
        permutations.Add(moved);
        return moved;
    }

    private static bool SameDevice(torch.Device a, torch.Device b) =>
        a.type == b.type && Math.Max(a.index, 0) == Math.Max(b.index, 0);

    private static void DisposeAll(torch.Tensor[]? tensors)
    {
        if (tensors is null)
        {
            return;
        }
        foreach (var tensor in tensors)
        {
            tensor?.Dispose();
        }
    }
}
