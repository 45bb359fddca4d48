using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetTricks;

/// <summary>How <see cref="GradientChecker"/> compares gradients.</summary>
public enum GradientCheckMode
{
    /// <summary>
    /// Every element of every checked tensor is perturbed on its own (two forward passes per element) and its
    /// central difference is compared with the autograd gradient: exact location of every error, cost linear in the
    /// number of elements.
    /// </summary>
    Full,

    /// <summary>
    /// Random projections: for random output weights v and random unit directions u, the autograd directional
    /// derivative vᵀJu is compared with the central difference of vᵀf along u. A few backward passes and two forward
    /// passes per projection and checked tensor, whatever the tensors' sizes; a failure names the tensor, not the element.
    /// </summary>
    Fast,
}

/// <summary>In which training/evaluation mode a module is checked (its own modes are restored afterwards).</summary>
public enum GradientCheckModuleMode
{
    /// <summary><c>eval()</c> during the check (default): dropout off, batch norm on running statistics.</summary>
    Eval,

    /// <summary><c>train()</c> during the check. Every evaluation replays the same CPU random numbers, so dropout
    /// masks are identical across the finite-difference evaluations; buffers (running statistics) are restored afterwards.</summary>
    Train,

    /// <summary>Leave every module in the mode it is in.</summary>
    AsIs,
}

/// <summary>
/// Settings of a gradient check. The defaults are those of <c>torch.autograd.gradcheck</c>:
/// step <c>1e-6</c>, absolute tolerance <c>1e-5</c>, relative tolerance <c>1e-3</c>, in float64.
/// </summary>
/// <remarks>
/// An element passes when |analytic − numeric| ≤ <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> · |numeric|,
/// where numeric is the central difference (f(x + ε) − f(x − ε)) / 2ε. In <see cref="GradientCheckMode.Fast"/> mode the
/// same test applies to each projected directional derivative.
/// </remarks>
public sealed class GradientCheckOptions
{
    private double epsilon = 1e-6;
    private double absoluteTolerance = 1e-5;
    private double relativeTolerance = 1e-3;
    private int projections = 3;
    private int? maxElementsPerTensor;
    private int maxReported = 10;

    /// <summary>The default options (shared, immutable).</summary>
    public static GradientCheckOptions Default { get; } = new();

    /// <summary>Finite-difference step ε (default <c>1e-6</c>). In fast mode it is the step along a unit direction.</summary>
    public double Epsilon
    {
        get => epsilon;
        init => epsilon = Positive(value, nameof(Epsilon));
    }

    /// <summary>Absolute tolerance (default <c>1e-5</c>).</summary>
    public double AbsoluteTolerance
    {
        get => absoluteTolerance;
        init => absoluteTolerance = NonNegative(value, nameof(AbsoluteTolerance));
    }

    /// <summary>Relative tolerance, relative to |numeric| (default <c>1e-3</c>).</summary>
    public double RelativeTolerance
    {
        get => relativeTolerance;
        init => relativeTolerance = NonNegative(value, nameof(RelativeTolerance));
    }

    /// <summary>Full (every element) or fast (random projections). Default <see cref="GradientCheckMode.Full"/>.</summary>
    public GradientCheckMode Mode { get; init; } = GradientCheckMode.Full;

    /// <summary>
    /// Number of random projections (default 3): in fast mode, the number of (v, u) pairs; in full mode with
    /// <see cref="FullJacobian"/> off, the number of random output weightings v.
    /// </summary>
    public int Projections
    {
        get => projections;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Projections), value, $"{nameof(Projections)} must be at least 1, but was {value}.");
            }
            projections = value;
        }
    }

    /// <summary>
    /// Fast mode: give every checked tensor its own random direction and finite difference (two forward passes per
    /// tensor and projection), so a failure names the tensor and small tensors are not drowned by large ones
    /// (default <c>true</c>). When <c>false</c>, one joint direction over all tensors is used per projection (two forward
    /// passes) and only a failing projection is re-checked tensor by tensor.
    /// </summary>
    public bool ProjectPerTensor { get; init; } = true;

    /// <summary>
    /// Full mode: compare the whole Jacobian, one backward pass per output element (default <c>true</c>). When <c>false</c>,
    /// compare <see cref="Projections"/> vector-Jacobian products vᵀJ for random output weights v instead (one backward pass each),
    /// which is cheaper for large outputs and still checks every input element.
    /// </summary>
    public bool FullJacobian { get; init; } = true;

    /// <summary>
    /// Full mode: check at most this many elements per tensor, chosen at random (reproducibly, from <see cref="Seed"/>);
    /// <c>null</c> (default) checks every element. The result reports how many were checked.
    /// </summary>
    public int? MaxElementsPerTensor
    {
        get => maxElementsPerTensor;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxElementsPerTensor), value, $"{nameof(MaxElementsPerTensor)} must be at least 1 (or null for all elements), but was {value}.");
            }
            maxElementsPerTensor = value;
        }
    }

    /// <summary>Seed of the checker's own random generator (projections, sampled elements). The global torch generator is never advanced.</summary>
    public ulong Seed { get; init; } = 0x5EED;

    /// <summary>
    /// Opt-in: check float32/float16/bfloat16 inputs and parameters as float64 instead of refusing them (default <c>false</c>).
    /// Inputs are converted copies. A module's parameters and buffers are swapped for float64 copies during the check and the
    /// original objects are put back afterwards, untouched (same objects, bitwise-identical values), so optimizers that hold
    /// them keep working. Modules whose parameters live inside libtorch (in TorchSharp 0.107: RNN, LSTM, GRU, Embedding, ...)
    /// cannot be swapped and are refused: create them with <c>dtype: torch.float64</c>.
    /// </summary>
    public bool ConvertToFloat64 { get; init; }

    /// <summary>Module checks: also check the gradients with respect to every floating-point input (default <c>false</c>: parameters only).</summary>
    public bool CheckModuleInputs { get; init; }

    /// <summary>Module checks: training/evaluation mode during the check (default <see cref="GradientCheckModuleMode.Eval"/>).</summary>
    public GradientCheckModuleMode ModuleMode { get; init; } = GradientCheckModuleMode.Eval;

    /// <summary>Module checks: only parameters whose name (from <c>named_parameters()</c>) satisfies this predicate are checked; <c>null</c>: all.</summary>
    public Func<string, bool>? ParameterFilter { get; init; }

    /// <summary>Names for the inputs in reports, by position (default <c>input[0]</c>, <c>input[1]</c>, ...).</summary>
    public IReadOnlyList<string>? InputNames { get; init; }

    /// <summary>
    /// Count points where the finite differences straddle a kink (relu or abs at 0, max ties) as failures (default <c>false</c>:
    /// they are reported in <see cref="GradientCheckResult.NonDifferentiablePoints"/> but do not fail the check, because there the
    /// numerical derivative is meaningless; the analytic value must still lie between the one-sided derivatives).
    /// </summary>
    public bool FailOnNonDifferentiablePoints { get; init; }

    /// <summary>How many mismatches and non-differentiable points the result keeps (the worst ones; default 10). Counts are always complete.</summary>
    public int MaxReported
    {
        get => maxReported;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxReported), value, $"{nameof(MaxReported)} must be at least 1, but was {value}.");
            }
            maxReported = value;
        }
    }

    internal double Tolerance(double numeric) => absoluteTolerance + relativeTolerance * Math.Abs(numeric);

    private static double Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number, but was {Format(value)}.");
        }
        return value;
    }

    private static double NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a non-negative finite number, but was {Format(value)}.");
        }
        return value;
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
