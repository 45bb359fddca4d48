using System;

namespace NetTricks;

/// <summary>One trial of a <see cref="HyperParameterSearch"/>: the sampled values and the objective's score.</summary>
/// <param name="Index">0-based position of the trial in the run.</param>
/// <param name="Parameters">The values the objective was called with.</param>
/// <param name="Score">What the objective returned (NaN or infinite: the trial failed).</param>
/// <param name="Duration">Wall-clock time of the objective call.</param>
public sealed record HyperParameterTrial(int Index, HyperParameters Parameters, double Score, TimeSpan Duration)
{
    /// <summary>The objective returned a finite score.</summary>
    public bool Succeeded => double.IsFinite(Score);

    /// <summary>"#index score: name=value, ...".</summary>
    public override string ToString() => $"#{Index} {ProbeStep.Format(Score)}: {Parameters}";
}
