using System;
using System.IO;

namespace NetTricks;

/// <summary>
/// Sampling, thresholds and reporting of checked models (<see cref="CheckedSequential"/>, <see cref="CheckedModel"/>).
/// The defaults flag only clear problems; every threshold is a documented property.
/// </summary>
/// <remarks>
/// A <em>step</em> is one forward of the checked model in training mode with gradients enabled (evaluation
/// forwards are not checked and cost nothing). Every step checks the model input and output for NaN/infinity (when
/// one is found, the layer outputs of the step, kept until its end, are searched for the first non-finite one) and,
/// after <c>AfterBackward()</c>, the parameter gradients (biases standing in for the weights of their layer): one
/// reduction per tensor and one read per check. Sampled steps (step 1, then every <see cref="SampleEvery"/>-th) also
/// check every layer output and every gradient, which catches the rare NaN/infinity that does not reach the output
/// (relu(-inf) = 0), and compute the statistics: dead units, saturation, drift, gradient norms, and (on the first
/// and every 100th sampled step, since it reads every weight and symmetric weights come from the initialization)
/// identical neurons.
/// </remarks>
public sealed class CheckedOptions
{
    private int sampleEvery = 10;
    private double deadUnitFraction = 0.7;
    private double saturationBound = 5.0;
    private double saturatedFraction = 0.5;
    private double identicalNeuronFraction = 0.1;
    private double vanishingGradientRatio = 1e-3;
    private double explodingGradientRatio = 70.0;
    private double driftFactor = 10.0;
    private int maxFindings = 10_000;

    /// <summary>Compute the statistics on step 1 and every this many steps after it (default 10; 1 = every step).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int SampleEvery
    {
        get => sampleEvery;
        set => sampleEvery = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"SampleEvery must be at least 1 (1 checks every step), but was {value}.");
    }

    /// <summary>
    /// Throw <see cref="NonFiniteValueException"/> at the first NaN or infinity (default <c>true</c>: fail fast, with
    /// the layer, step and first bad index). <c>false</c> records a <see cref="FindingKind.NonFinite"/> finding and goes on.
    /// </summary>
    public bool ThrowOnNonFinite { get; set; } = true;

    /// <summary>
    /// Dead ReLU units: a unit (feature, or channel of a convolution) is dead on a batch when its ReLU output is zero
    /// for every sample (and position). Flag a ReLU layer when at least this fraction of its units is dead (default 0.7).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1].</exception>
    public double DeadUnitFraction
    {
        get => deadUnitFraction;
        set => deadUnitFraction = Fraction(value, nameof(DeadUnitFraction));
    }

    /// <summary>
    /// Saturation bound on the pre-activations of a sigmoid (default 5: σ'(5) is 2.7% of σ'(0); σ(±5) is within
    /// 6.7e-3 of 0 or 1). Tanh uses half of it (default 2.5), since tanh(x) = 2σ(2x) − 1 saturates twice as fast:
    /// the same fraction of its maximal slope.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double SaturationBound
    {
        get => saturationBound;
        set => saturationBound = Positive(value, nameof(SaturationBound));
    }

    /// <summary>Flag a sigmoid/tanh layer when more than this fraction of its pre-activations lie beyond the saturation bound (default 0.5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1].</exception>
    public double SaturatedFraction
    {
        get => saturatedFraction;
        set => saturatedFraction = Fraction(value, nameof(SaturatedFraction));
    }

    /// <summary>
    /// Identical neurons (broken symmetry, usually a constant or zero initialization): flag a Linear/Conv/Bilinear
    /// layer when at least this fraction of its neurons (rows of the weight, viewed as [out, everything else]) have
    /// a twin with the same weights, up to 1e-6 of the largest weight (default 0.1). Checked on step 1 and every
    /// 100th sampled step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1].</exception>
    public double IdenticalNeuronFraction
    {
        get => identicalNeuronFraction;
        set => identicalNeuronFraction = Fraction(value, nameof(IdenticalNeuronFraction));
    }

    /// <summary>
    /// Vanishing gradients: flag when ‖∇W of the first layer‖ / ‖∇W of the last layer‖ is below this (default 1e-3,
    /// the AUTOTRAINER / DeepDiagnosis threshold). Needs <c>AfterBackward()</c> or <c>Step(optimizer)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1).</exception>
    public double VanishingGradientRatio
    {
        get => vanishingGradientRatio;
        set => vanishingGradientRatio = value > 0 && value < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"VanishingGradientRatio must be in (0, 1), but was {value}.");
    }

    /// <summary>Exploding gradients: flag when the same ratio exceeds this (default 70, the AUTOTRAINER / DeepDiagnosis threshold).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not greater than 1 and finite.</exception>
    public double ExplodingGradientRatio
    {
        get => explodingGradientRatio;
        set => explodingGradientRatio = value > 1 && !double.IsInfinity(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"ExplodingGradientRatio must be greater than 1 and finite, but was {value}.");
    }

    /// <summary>
    /// Activation drift: the root-mean-square of an activation layer's input (its pre-activations) is compared with
    /// its value on the first sampled step; flag when it has grown or shrunk by more than this factor (default 10),
    /// which moves sigmoid/tanh into saturation or their linear region and makes ReLU-family activations explode or vanish.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not greater than 1 and finite.</exception>
    public double DriftFactor
    {
        get => driftFactor;
        set => driftFactor = value > 1 && !double.IsInfinity(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"DriftFactor must be greater than 1 and finite, but was {value}.");
    }

    /// <summary>
    /// Where each new kind of finding per layer is written, once, when first seen (default <see cref="Console.Error"/>);
    /// <c>null</c> writes nothing. Every occurrence is kept in <c>Findings</c> regardless.
    /// </summary>
    public TextWriter? Log { get; set; } = Console.Error;

    /// <summary>Called for every finding (every occurrence, on the training thread). Default <c>null</c>.</summary>
    public Action<TrainingFinding>? OnFinding { get; set; }

    /// <summary>At most this many findings are kept (default 10 000); later ones are counted but dropped.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxFindings
    {
        get => maxFindings;
        set => maxFindings = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"MaxFindings must be at least 1, but was {value}.");
    }

    private static double Fraction(double value, string name) =>
        value > 0 && value <= 1 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a fraction in (0, 1], but was {value}.");

    private static double Positive(double value, string name) =>
        value > 0 && !double.IsInfinity(value) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite, but was {value}.");
}
