using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// Early stopping on a validation metric that keeps the best epoch's weights: call <see cref="Update"/> once per
/// epoch with the validation metric and the model, stop when it returns <c>true</c>, then <see cref="RestoreBest"/>.
/// </summary>
/// <remarks>
/// <para>An epoch improves when its metric beats the best so far by more than <see cref="MinDelta"/>
/// (<c>metric &lt; best - MinDelta</c> in <see cref="EarlyStoppingMode.Min"/> mode, <c>metric &gt; best + MinDelta</c> in
/// <see cref="EarlyStoppingMode.Max"/> mode); the first metric that is not NaN always does. A NaN metric never improves.
/// Training should stop once <see cref="Patience"/> epochs in a row have not improved.</para>
/// <para>The kept state is a deep copy: every tensor of the model's state dict (parameters and buffers such as
/// BatchNorm running statistics) is cloned when an epoch improves, so later training cannot change it, and
/// <see cref="RestoreBest"/> copies it back bit for bit into the model's own tensors (an optimizer over them stays
/// attached). The copies live on the model's device and are freed by <see cref="Dispose"/>. Not thread-safe.</para>
/// <code>
/// using var stopper = new EarlyStopping(patience: 5);
/// for (int epoch = 0; epoch &lt; maxEpochs; epoch++)
/// {
///     TrainOneEpoch();
///     if (stopper.Update(ValidationLoss(), model)) break;
/// }
/// stopper.RestoreBest(model);
/// </code>
/// </remarks>
public sealed class EarlyStopping : IDisposable
{
    private readonly List<double> history = new();
    private ProbeModuleSnapshot? bestState;
    private bool disposed;

    /// <summary>Creates an early stopper.</summary>
    /// <param name="patience">Epochs in a row without improvement after which to stop (at least 1). Default 10.</param>
    /// <param name="minDelta">Smallest change of the metric that counts as an improvement (non-negative). Default 0.</param>
    /// <param name="mode">Whether smaller (<see cref="EarlyStoppingMode.Min"/>, default: a loss) or larger metrics are better.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public EarlyStopping(int patience = 10, double minDelta = 0, EarlyStoppingMode mode = EarlyStoppingMode.Min)
    {
        if (patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience,
                $"patience must be at least 1 (the number of epochs in a row without improvement before stopping), but was {patience}.");
        }
        if (!(minDelta >= 0) || !double.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be finite and non-negative, but was {minDelta}.");
        }
        if (mode != EarlyStoppingMode.Min && mode != EarlyStoppingMode.Max)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode must be Min or Max, but was {mode}.");
        }
        Patience = patience;
        MinDelta = minDelta;
        Mode = mode;
    }

    /// <summary>Epochs in a row without improvement after which to stop.</summary>
    public int Patience { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether smaller or larger metrics are better.</summary>
    public EarlyStoppingMode Mode { get; }

    /// <summary>Every metric passed so far, one per epoch.</summary>
    public IReadOnlyList<double> History => history;

    /// <summary>The best metric so far, or <c>null</c> while every metric was NaN.</summary>
    public double? BestMetric { get; private set; }

    /// <summary>0-based epoch (index in <see cref="History"/>) of <see cref="BestMetric"/>, or <c>null</c>.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Epochs since the best one (all epochs while every metric was NaN).</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Whether the latest epoch improved on the best.</summary>
    public bool LastImproved { get; private set; }

    /// <summary><see cref="Patience"/> epochs in a row have not improved: training should stop.</summary>
    public bool Stopped => EpochsWithoutImprovement >= Patience;

    /// <summary>A copy of the best epoch's state is kept (the best epoch went through <see cref="Update"/>).</summary>
    public bool HasBestState => bestState is not null;

    /// <summary>Records one epoch's metric without keeping weights.</summary>
    /// <param name="metric">The validation metric of the epoch.</param>
    /// <returns><c>true</c> when training should stop (<see cref="Stopped"/>).</returns>
    /// <remarks>If this epoch improves, any state kept from an earlier epoch is dropped: it is no longer the best.</remarks>
    public bool ShouldStop(double metric)
    {
        ThrowIfDisposed();
        if (Record(metric))
        {
            bestState?.Dispose();
            bestState = null;
        }
        return Stopped;
    }

    /// <summary>Records one epoch's metric and, when it is the best so far, keeps a deep copy of <paramref name="model"/>'s state.</summary>
    /// <param name="metric">The validation metric of the epoch.</param>
    /// <param name="model">The model as it is after this epoch.</param>
    /// <returns><c>true</c> when training should stop (<see cref="Stopped"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public bool Update(double metric, torch.nn.Module model)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        ThrowIfDisposed();
        if (Record(metric))
        {
            var snapshot = ProbeModuleSnapshot.Capture(model);
            bestState?.Dispose();
            bestState = snapshot;
        }
        return Stopped;
    }

    /// <summary>Copies the best epoch's parameters and buffers back into <paramref name="model"/>.</summary>
    /// <param name="model">The model passed to <see cref="Update"/> (or one with the same state-dict entries).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No state was kept, or the model's state dict has different entries.</exception>
    public void RestoreBest(torch.nn.Module model)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        ThrowIfDisposed();
        if (bestState is null)
        {
            throw new InvalidOperationException(BestEpoch is int epoch
                ? $"The best epoch ({epoch}) was recorded with ShouldStop(metric), which keeps no weights; call Update(metric, model) to keep them."
                : "No epoch with a metric other than NaN has been recorded with Update(metric, model) yet, so there is no best state to restore.");
        }
        bestState.Restore(model);
    }

    /// <summary>One line: the best epoch and metric, and whether and when training stopped.</summary>
    public override string ToString()
    {
        string best = BestMetric is double value
            ? $"best {value.ToString("G6", CultureInfo.InvariantCulture)} at epoch {BestEpoch}"
            : "no metric other than NaN yet";
        string state = Stopped
            ? $"stop: {EpochsWithoutImprovement} epochs without improvement (patience {Patience})"
            : $"{EpochsWithoutImprovement} of {Patience} epochs without improvement";
        return $"NetTricks early stopping ({Mode}): {history.Count} epochs, {best}; {state}";
    }

    /// <summary>Frees the kept copy of the best state.</summary>
    public void Dispose()
    {
        bestState?.Dispose();
        bestState = null;
        disposed = true;
    }

    private bool Record(double metric)
    {
        history.Add(metric);
        LastImproved = !double.IsNaN(metric) && (BestMetric is not double best || (Mode == EarlyStoppingMode.Min
            ? metric < best - MinDelta
            : metric > best + MinDelta));
        if (LastImproved)
        {
            BestMetric = metric;
            BestEpoch = history.Count - 1;
            EpochsWithoutImprovement = 0;
        }
        else
        {
            EpochsWithoutImprovement++;
        }
        return LastImproved;
    }

    private void ThrowIfDisposed()
    {
        if (disposed)
        {
            throw new ObjectDisposedException(nameof(EarlyStopping));
        }
    }
}
