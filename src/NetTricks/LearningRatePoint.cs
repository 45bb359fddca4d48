namespace NetTricks;

/// <summary>One step of a learning-rate range test sweep.</summary>
/// <param name="Step">0-based step of the sweep.</param>
/// <param name="LearningRate">The rate of this step (of the optimizer's first parameter group).</param>
/// <param name="Loss">The loss of this step's batch, computed before the step's update (NaN or infinite when it blew up).</param>
/// <param name="SmoothedLoss">The bias-corrected exponential moving average of the losses up to this step.</param>
public readonly record struct LearningRatePoint(int Step, double LearningRate, double Loss, double SmoothedLoss);
