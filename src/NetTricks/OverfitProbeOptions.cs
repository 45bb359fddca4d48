using System;

namespace NetTricks;

/// <summary>Settings of <see cref="OverfitProbe"/>.</summary>
public sealed class OverfitProbeOptions
{
    /// <summary>Most training steps (one batch per step). Default 500.</summary>
    public int MaxSteps { get; init; } = 500;

    /// <summary>Success: the loss falls to this fraction of the initial loss or below, in (0, 1). Default 0.01 (1%).</summary>
    public double TargetRatio { get; init; } = 0.01;

    /// <summary>Success also when the loss falls to this value or below (non-negative). Default 0: only <see cref="TargetRatio"/> counts.</summary>
    public double AbsoluteTarget { get; init; }

    /// <summary>Plateau: the best loss has not improved by <see cref="PlateauImprovement"/> within this many steps. Default 100.</summary>
    public int PlateauSteps { get; init; } = 100;

    /// <summary>Relative improvement of the best loss that counts as progress, in (0, 1). Default 0.01 (1%).</summary>
    public double PlateauImprovement { get; init; } = 0.01;

    /// <summary>Divergence: the loss exceeds this many times the initial loss (above 1). Default 10.</summary>
    public double DivergenceFactor { get; init; } = 10;

    internal void Validate()
    {
        if (MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, $"MaxSteps must be at least 1, but was {MaxSteps}.");
        }
        if (!(TargetRatio > 0 && TargetRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetRatio), TargetRatio,
                $"TargetRatio must be in (0, 1) (a fraction of the initial loss, e.g. 0.01), but was {TargetRatio}.");
        }
        if (!(AbsoluteTarget >= 0) || !double.IsFinite(AbsoluteTarget))
        {
            throw new ArgumentOutOfRangeException(nameof(AbsoluteTarget), AbsoluteTarget, $"AbsoluteTarget must be finite and non-negative, but was {AbsoluteTarget}.");
        }
        if (PlateauSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PlateauSteps), PlateauSteps, $"PlateauSteps must be at least 1, but was {PlateauSteps}.");
        }
        if (!(PlateauImprovement > 0 && PlateauImprovement < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(PlateauImprovement), PlateauImprovement,
                $"PlateauImprovement must be in (0, 1), but was {PlateauImprovement}.");
        }
        if (!(DivergenceFactor > 1) || !double.IsFinite(DivergenceFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, $"DivergenceFactor must be finite and above 1, but was {DivergenceFactor}.");
        }
    }
}
