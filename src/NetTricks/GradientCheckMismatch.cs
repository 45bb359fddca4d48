using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetTricks;

/// <summary>Whether a checked tensor is an input of the checked function or a module parameter.</summary>
public enum GradientCheckTensorKind
{
    /// <summary>An input tensor of the function (or of the module, with <see cref="GradientCheckOptions.CheckModuleInputs"/>).</summary>
    Input,

    /// <summary>A module parameter, named as in <c>named_parameters()</c>.</summary>
    Parameter,
}

/// <summary>
/// One comparison of an analytic (autograd) derivative with its finite-difference estimate that failed, or that sits on
/// a non-differentiable point. In full mode it locates one Jacobian entry: the element <see cref="Index"/> of tensor
/// <see cref="TensorName"/> and the output element <see cref="OutputIndex"/>; in fast mode it is one projected directional
/// derivative of a whole tensor.
/// </summary>
public sealed class GradientCheckMismatch
{
    internal GradientCheckMismatch(
        string tensorName, GradientCheckTensorKind kind, long[]? index, string? outputName, long[]? outputIndex, int? projection,
        double analytic, double numeric, double tolerance, bool noGradient, double? leftDerivative, double? rightDerivative,
        bool isNonDifferentiablePoint)
    {
        TensorName = tensorName;
        Kind = kind;
        Index = index;
        OutputName = outputName;
        OutputIndex = outputIndex;
        Projection = projection;
        Analytic = analytic;
        Numeric = numeric;
        Tolerance = tolerance;
        NoGradient = noGradient;
        LeftDerivative = leftDerivative;
        RightDerivative = rightDerivative;
        IsNonDifferentiablePoint = isNonDifferentiablePoint;
    }

    /// <summary>The input or parameter name (e.g. <c>fc1.weight</c>, <c>input[0]</c>); in joint fast mode <c>(all tensors)</c>.</summary>
    public string TensorName { get; }

    /// <summary>Input or parameter.</summary>
    public GradientCheckTensorKind Kind { get; }

    /// <summary>Full mode: the multi-dimensional index of the perturbed element; <c>null</c> in fast mode.</summary>
    public IReadOnlyList<long>? Index { get; }

    /// <summary>Full mode with the full Jacobian: the output (<c>output</c> or <c>output[k]</c>) whose element <see cref="OutputIndex"/> is differentiated.</summary>
    public string? OutputName { get; }

    /// <summary>Full mode with the full Jacobian: the multi-dimensional index of the differentiated output element.</summary>
    public IReadOnlyList<long>? OutputIndex { get; }

    /// <summary>Fast mode, or full mode without the full Jacobian: the 0-based random projection.</summary>
    public int? Projection { get; }

    /// <summary>The derivative autograd computed (0 when the tensor received no gradient).</summary>
    public double Analytic { get; }

    /// <summary>The central finite difference.</summary>
    public double Numeric { get; }

    /// <summary>|<see cref="Analytic"/> − <see cref="Numeric"/>|.</summary>
    public double AbsoluteError => Math.Abs(Analytic - Numeric);

    /// <summary>The allowed error: atol + rtol · |numeric|.</summary>
    public double Tolerance { get; }

    /// <summary>How many tolerances the error is (NaN or infinite values count as infinitely bad).</summary>
    public double Excess
    {
        get
        {
            double error = AbsoluteError;
            if (double.IsNaN(error) || double.IsInfinity(error))
            {
                return double.PositiveInfinity;
            }
            return Tolerance > 0 ? error / Tolerance : (error > 0 ? double.PositiveInfinity : 0);
        }
    }

    /// <summary>The tensor received no gradient at all (autograd returned None): the graph is cut between it and the output.</summary>
    public bool NoGradient { get; }

    /// <summary>When the point was analysed for a kink: the one-sided difference (f(x) − f(x − ε)) / ε.</summary>
    public double? LeftDerivative { get; }

    /// <summary>When the point was analysed for a kink: the one-sided difference (f(x + ε) − f(x)) / ε.</summary>
    public double? RightDerivative { get; }

    /// <summary>
    /// The finite differences straddle a kink (the one-sided differences disagree in a way no smooth function allows): the
    /// numerical derivative is meaningless here. When <c>true</c> on an entry of <see cref="GradientCheckResult.Mismatches"/>,
    /// the analytic value was not even between the one-sided derivatives.
    /// </summary>
    public bool IsNonDifferentiablePoint { get; }

    /// <summary>Where: <c>parameter 'fc1.weight' [2, 0] (output [0, 1])</c>.</summary>
    public string Location
    {
        get
        {
            var text = new StringBuilder();
            text.Append(Kind == GradientCheckTensorKind.Parameter ? "parameter '" : "input '").Append(TensorName).Append('\'');
            if (Index is not null)
            {
                text.Append(' ').Append(FormatIndex(Index));
            }
            if (OutputIndex is not null)
            {
                text.Append(" (").Append(OutputName ?? "output").Append(' ').Append(FormatIndex(OutputIndex)).Append(')');
            }
            if (Projection is int projection)
            {
                text.Append(" (projection ").Append(projection.ToString(CultureInfo.InvariantCulture)).Append(')');
            }
            return text.ToString();
        }
    }

    /// <summary>One readable line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Location);
        text.Append(": analytic ").Append(Format(Analytic)).Append(" vs numeric ").Append(Format(Numeric));
        text.Append(" (|diff| ").Append(Format(AbsoluteError)).Append(", tolerance ").Append(Format(Tolerance)).Append(')');
        if (LeftDerivative is double left && RightDerivative is double right)
        {
            text.Append(", one-sided left ").Append(Format(left)).Append(" / right ").Append(Format(right));
        }
        if (NoGradient)
        {
            text.Append(" — received no gradient (None) although the output depends on it");
        }
        else if (IsNonDifferentiablePoint)
        {
            text.Append(" — non-differentiable point (the finite differences straddle a kink)");
        }
        return text.ToString();
    }

    internal static string FormatIndex(IReadOnlyList<long> index) =>
        "[" + string.Join(", ", index.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";

    internal static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
