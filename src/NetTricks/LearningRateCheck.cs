namespace NetTricks;

/// <summary>
/// One constant-rate check of a learning-rate range test: training from the starting state at
/// <see cref="LearningRate"/> for up to <see cref="LearningRateRangeOptions.VerificationSteps"/> steps.
/// </summary>
/// <param name="LearningRate">The rate that was checked.</param>
/// <param name="Stable">No divergence (same rule as the sweep) during the run.</param>
/// <param name="Steps">Steps run (fewer than requested when it diverged).</param>
/// <param name="FinalSmoothedLoss">The smoothed loss at the last step (NaN or infinite when the loss blew up).</param>
public readonly record struct LearningRateCheck(double LearningRate, bool Stable, int Steps, double FinalSmoothedLoss);
