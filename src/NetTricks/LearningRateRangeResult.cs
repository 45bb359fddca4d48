using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetTricks;

/// <summary>What a <see cref="LearningRateRangeTest"/> found. <see cref="ToString"/> gives a readable report.</summary>
public sealed class LearningRateRangeResult
{
    internal LearningRateRangeResult(
        LearningRateRangeOptions options,
        IReadOnlyList<LearningRatePoint> curve,
        int? divergenceStep,
        double? sweepStableRate,
        double? minimumLossRate,
        double? steepestRate,
        IReadOnlyList<LearningRateCheck> checks,
        double? largestStableRate,
        double? suggestedRate)
    {
        Options = options;
        Curve = curve;
        DivergenceStep = divergenceStep;
        SweepStableRate = sweepStableRate;
        MinimumLossRate = minimumLossRate;
        SteepestRate = steepestRate;
        Checks = checks;
        LargestStableRate = largestStableRate;
        SuggestedRate = suggestedRate;
    }

    /// <summary>The settings of the run.</summary>
    public LearningRateRangeOptions Options { get; }

    /// <summary>Every step of the sweep, up to and including the step where it diverged.</summary>
    public IReadOnlyList<LearningRatePoint> Curve { get; }

    /// <summary>The sweep stopped because the loss diverged before <see cref="LearningRateRangeOptions.EndLearningRate"/>.</summary>
    public bool Diverged => DivergenceStep.HasValue;

    /// <summary>The step at which the sweep diverged, or <c>null</c>.</summary>
    public int? DivergenceStep { get; }

    /// <summary>The rate of <see cref="DivergenceStep"/>, or <c>null</c>.</summary>
    public double? DivergenceLearningRate => DivergenceStep is int step ? Curve[step].LearningRate : null;

    /// <summary>
    /// The sweep's own estimate of the largest stable rate: the rate of the last step before the divergence (the
    /// end rate when it never diverged; <c>null</c> when the very first step diverged). Often too high; see
    /// <see cref="LearningRateRangeTest"/>.
    /// </summary>
    public double? SweepStableRate { get; }

    /// <summary>The rate at the lowest smoothed loss before the divergence (steps in the ignored start excluded when possible).</summary>
    public double? MinimumLossRate { get; }

    /// <summary>
    /// The rate where the smoothed loss fell fastest per unit of log rate before the divergence, not counting the ignored
    /// first steps and the 1/(1 - Smoothing) steps after them while the average settles; <c>null</c> when too few steps remain.
    /// </summary>
    public double? SteepestRate { get; }

    /// <summary>The constant-rate checks that confirmed or lowered the sweep's estimate, in the order they ran.</summary>
    public IReadOnlyList<LearningRateCheck> Checks { get; }

    /// <summary>
    /// The largest rate found stable: confirmed by a constant-rate check when the sweep diverged and checks are on,
    /// otherwise <see cref="SweepStableRate"/>. <c>null</c> when no rate was stable.
    /// </summary>
    public double? LargestStableRate { get; }

    /// <summary>
    /// The rate to train with: <see cref="LargestStableRate"/> / <see cref="LearningRateRangeOptions.SuggestionDivisor"/>
    /// (default 10), the usual "one order of magnitude below the point of divergence". <c>null</c> with no stable rate.
    /// </summary>
    public double? SuggestedRate { get; }

    /// <summary>A multi-line report of the sweep, the checks and the rates.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("NetTricks learning-rate range test: ").Append(Curve.Count).Append(" of ").Append(Options.Steps)
            .Append(" steps from ").Append(ProbeStep.Format(Options.StartLearningRate))
            .Append(" to ").Append(ProbeStep.Format(Options.EndLearningRate)).AppendLine();
        if (DivergenceStep is int step)
        {
            var point = Curve[step];
            text.Append("  diverged at step ").Append(step).Append(", rate ").Append(ProbeStep.Format(point.LearningRate))
                .Append(double.IsFinite(point.Loss) ? $" (smoothed loss {ProbeStep.Format(point.SmoothedLoss)})" : $" (loss {point.Loss})").AppendLine();
        }
        else
        {
            text.Append("  no divergence up to ").Append(ProbeStep.Format(Options.EndLearningRate))
                .AppendLine(": the largest stable rate is at least that; raise EndLearningRate to find the limit");
        }
        text.Append("  sweep: last rate before divergence ").Append(ProbeStep.Format(SweepStableRate))
            .Append(", lowest smoothed loss at ").Append(ProbeStep.Format(MinimumLossRate))
            .Append(", steepest descent at ").Append(ProbeStep.Format(SteepestRate)).AppendLine();
        if (Checks.Count > 0)
        {
            text.Append("  constant-rate checks (").Append(Options.VerificationSteps).Append(" steps from the starting state): ")
                .AppendJoin(", ", Checks.Select(c => ProbeStep.Format(c.LearningRate) + (c.Stable ? " stable" : " diverged")))
                .AppendLine();
        }
        text.Append("  largest stable rate ").Append(ProbeStep.Format(LargestStableRate))
            .Append(", suggested rate ").Append(ProbeStep.Format(SuggestedRate))
            .Append(" (largest stable / ").Append(Options.SuggestionDivisor.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(')');
        return text.ToString();
    }
}
