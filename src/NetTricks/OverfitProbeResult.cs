using System.Collections.Generic;

namespace NetTricks;

/// <summary>What an <see cref="OverfitProbe"/> found. <see cref="ToString"/> gives a one-paragraph report.</summary>
public sealed class OverfitProbeResult
{
    internal OverfitProbeResult(
        OverfitProbeDiagnosis diagnosis, string message, int steps, double initialLoss, double finalLoss,
        IReadOnlyList<double> losses, IReadOnlyList<string> parametersWithoutGradient)
    {
        Diagnosis = diagnosis;
        Message = message;
        Steps = steps;
        InitialLoss = initialLoss;
        FinalLoss = finalLoss;
        Losses = losses;
        ParametersWithoutGradient = parametersWithoutGradient;
    }

    /// <summary>The loss reached the target: the model can fit these samples.</summary>
    public bool Succeeded => Diagnosis == OverfitProbeDiagnosis.None;

    /// <summary><see cref="OverfitProbeDiagnosis.None"/> on success, otherwise why it failed.</summary>
    public OverfitProbeDiagnosis Diagnosis { get; }

    /// <summary>A readable explanation with the likely causes.</summary>
    public string Message { get; }

    /// <summary>Optimizer steps taken.</summary>
    public int Steps { get; }

    /// <summary>Mean loss over the first pass through the batches (the first step's loss when the probe stopped earlier).</summary>
    public double InitialLoss { get; }

    /// <summary>Mean loss over the last complete pass through the batches (the last step's loss when it was not finite).</summary>
    public double FinalLoss { get; }

    /// <summary><see cref="FinalLoss"/> / <see cref="InitialLoss"/>.</summary>
    public double LossRatio => FinalLoss / InitialLoss;

    /// <summary>The loss of every step, computed before that step's update.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>
    /// Trainable parameters (by name) whose gradient was missing or zero at every step: no gradient reaches them.
    /// Empty when every parameter got one; may be non-empty on success (part of the model is cut off).
    /// </summary>
    public IReadOnlyList<string> ParametersWithoutGradient { get; }

    /// <summary>"NetTricks over-fit probe: succeeded/failed (diagnosis): message".</summary>
    public override string ToString() =>
        "NetTricks over-fit probe: " + (Succeeded ? "succeeded: " : $"failed ({Diagnosis}): ") + Message;
}
