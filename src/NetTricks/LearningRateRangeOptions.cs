using System;

namespace NetTricks;

/// <summary>Settings of <see cref="LearningRateRangeTest"/>. The defaults follow the usual range test (100 steps from 1e-7 to 10).</summary>
public sealed class LearningRateRangeOptions
{
    /// <summary>Learning rate of the first step (positive). Default 1e-7.</summary>
    public double StartLearningRate { get; init; } = 1e-7;

    /// <summary>Learning rate of the last step (above <see cref="StartLearningRate"/>). Default 10.</summary>
    public double EndLearningRate { get; init; } = 10;

    /// <summary>Steps of the sweep (at least 2); the rate grows by the same factor every step. Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>
    /// Weight of the past in the exponential moving average of the loss, in [0, 1); 0 means no smoothing.
    /// Default 0.9 (an average over about the last 10 steps): enough to ride over single-batch noise without
    /// lagging many steps behind the curve.
    /// </summary>
    public double Smoothing { get; init; } = 0.9;

    /// <summary>
    /// The sweep has diverged when the smoothed loss exceeds this many times the lower of the first loss and the
    /// best smoothed loss so far (or a loss is NaN or infinite). Above 1. Default 4. Assumes a non-negative loss.
    /// </summary>
    public double DivergenceFactor { get; init; } = 4;

    /// <summary>
    /// Steps at the start of a run that neither count as divergence (NaN and infinity always do), nor set the best
    /// loss, nor enter the smoothed loss of the steps after them. Default 5.
    /// </summary>
    public int IgnoreFirstSteps { get; init; } = 5;

    /// <summary>
    /// Length of the constant-rate runs that check the rate the sweep found (see <see cref="LearningRateRangeTest"/>);
    /// 0 skips the check and reports the sweep's own estimate. Default 20.
    /// </summary>
    public int VerificationSteps { get; init; } = 20;

    /// <summary>The check narrows the largest stable rate down to this ratio between a stable and an unstable rate (above 1). Default 1.25.</summary>
    public double VerificationPrecision { get; init; } = 1.25;

    /// <summary><see cref="LearningRateRangeResult.SuggestedRate"/> is the largest stable rate divided by this (at least 1). Default 10.</summary>
    public double SuggestionDivisor { get; init; } = 10;

    internal void Validate()
    {
        if (!(StartLearningRate > 0) || !double.IsFinite(StartLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(StartLearningRate), StartLearningRate,
                $"StartLearningRate must be positive and finite (the sweep is geometric), but was {StartLearningRate}.");
        }
        if (!(EndLearningRate > StartLearningRate) || !double.IsFinite(EndLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(EndLearningRate), EndLearningRate,
                $"EndLearningRate must be finite and larger than StartLearningRate ({StartLearningRate}), but was {EndLearningRate}.");
        }
        if (Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"Steps must be at least 2, but was {Steps}.");
        }
        if (!(Smoothing >= 0 && Smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, $"Smoothing must be in [0, 1), but was {Smoothing}.");
        }
        if (!(DivergenceFactor > 1) || !double.IsFinite(DivergenceFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor,
                $"DivergenceFactor must be finite and above 1, but was {DivergenceFactor}.");
        }
        if (IgnoreFirstSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IgnoreFirstSteps), IgnoreFirstSteps, $"IgnoreFirstSteps must not be negative, but was {IgnoreFirstSteps}.");
        }
        if (VerificationSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationSteps), VerificationSteps,
                $"VerificationSteps must not be negative (0 turns the check off), but was {VerificationSteps}.");
        }
        if (VerificationSteps > 0 && VerificationSteps <= IgnoreFirstSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationSteps), VerificationSteps,
                $"VerificationSteps ({VerificationSteps}) must exceed IgnoreFirstSteps ({IgnoreFirstSteps}), or a check could never see a divergence.");
        }
        if (!(VerificationPrecision > 1) || !double.IsFinite(VerificationPrecision))
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationPrecision), VerificationPrecision,
                $"VerificationPrecision must be finite and above 1, but was {VerificationPrecision}.");
        }
        if (!(SuggestionDivisor >= 1) || !double.IsFinite(SuggestionDivisor))
        {
            throw new ArgumentOutOfRangeException(nameof(SuggestionDivisor), SuggestionDivisor,
                $"SuggestionDivisor must be finite and at least 1, but was {SuggestionDivisor}.");
        }
    }
}
