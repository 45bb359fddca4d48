using System;
using System.Collections.Generic;

namespace NetTricks;

/// <summary>Which tensor a non-finite value was found in.</summary>
public enum NonFiniteLocation
{
    /// <summary>The batch given to the checked model.</summary>
    Input,

    /// <summary>A layer's output (or the model's, when no layer inside it was observed).</summary>
    Output,

    /// <summary>A parameter's gradient after backward.</summary>
    Gradient,
}

/// <summary>
/// Thrown by a checked model at the first NaN or infinity (unless <see cref="CheckedOptions.ThrowOnNonFinite"/> is
/// off): which layer produced it, on which step, and where in the tensor.
/// </summary>
public sealed class NonFiniteValueException : Exception
{
    /// <summary>Creates the exception for a non-finite finding.</summary>
    /// <param name="finding">The <see cref="FindingKind.NonFinite"/> finding (layer, step, value, message).</param>
    /// <param name="location">Input, layer output or gradient.</param>
    /// <param name="index">Index of the first non-finite element, one entry per dimension (row-major order).</param>
    public NonFiniteValueException(TrainingFinding finding, NonFiniteLocation location, IReadOnlyList<long> index)
        : base((finding ?? throw new ArgumentNullException(nameof(finding))).Message)
    {
        Finding = finding;
        Location = location;
        Index = index ?? throw new ArgumentNullException(nameof(index));
    }

    /// <summary>The finding this exception reports.</summary>
    public TrainingFinding Finding { get; }

    /// <summary>The layer (dotted path) whose output is non-finite, <c>(input)</c>, or the parameter whose gradient is.</summary>
    public string Layer => Finding.Layer;

    /// <summary>1-based training step.</summary>
    public long Step => Finding.Step;

    /// <summary>The first non-finite value: NaN, +∞ or −∞.</summary>
    public double Value => Finding.Value;

    /// <summary>Input, layer output or gradient.</summary>
    public NonFiniteLocation Location { get; }

    /// <summary>Index of the first non-finite element in row-major order, one entry per dimension (empty for a scalar).</summary>
    public IReadOnlyList<long> Index { get; }
}
