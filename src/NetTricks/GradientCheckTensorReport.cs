using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetTricks;

/// <summary>What the checker did with one input or parameter.</summary>
public enum GradientCheckTensorStatus
{
    /// <summary>Its gradient was compared with finite differences.</summary>
    Checked,

    /// <summary>Autograd returned no gradient (None) for it and the output does not depend on it numerically either: unused, not an error.</summary>
    Unused,

    /// <summary>Not checked: an input or parameter with <c>requires_grad = false</c>.</summary>
    DoesNotRequireGrad,

    /// <summary>Not checked: excluded by <see cref="GradientCheckOptions.ParameterFilter"/>.</summary>
    Filtered,
}

/// <summary>The per-tensor summary of a gradient check.</summary>
public sealed class GradientCheckTensorReport
{
    internal GradientCheckTensorReport(string name, GradientCheckTensorKind kind, long[] shape, string dtype, GradientCheckTensorStatus status)
    {
        Name = name;
        Kind = kind;
        Shape = shape;
        DType = dtype;
        Status = status;
    }

    /// <summary>The input or parameter name.</summary>
    public string Name { get; }

    /// <summary>Input or parameter.</summary>
    public GradientCheckTensorKind Kind { get; }

    /// <summary>Its shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Its element type as the caller passed it (before any opt-in conversion).</summary>
    public string DType { get; }

    /// <summary>Checked, unused, or why it was skipped.</summary>
    public GradientCheckTensorStatus Status { get; internal set; }

    /// <summary>Number of elements.</summary>
    public long Elements
    {
        get
        {
            long count = 1;
            foreach (long size in Shape)
            {
                count *= size;
            }
            return count;
        }
    }

    /// <summary>Full mode: elements perturbed one by one. Fast mode: elements covered by the random directions (all of them).</summary>
    public long ElementsChecked { get; internal set; }

    /// <summary>Fast mode: the number of random projections its elements were checked in; <c>null</c> in full mode.</summary>
    public int? Projections { get; internal set; }

    /// <summary>Autograd returned no gradient (None) for this tensor.</summary>
    public bool NoGradient { get; internal set; }

    /// <summary>Comparisons that failed (Jacobian entries in full mode, projections in fast mode).</summary>
    public long Mismatches { get; internal set; }

    /// <summary>Comparisons at non-differentiable points.</summary>
    public long NonDifferentiablePoints { get; internal set; }

    /// <summary>One readable line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Kind == GradientCheckTensorKind.Parameter ? "parameter '" : "input '").Append(Name).Append("' ")
            .Append(GradientCheckMismatch.FormatIndex(Shape)).Append(' ').Append(DType).Append(": ");
        switch (Status)
        {
            case GradientCheckTensorStatus.DoesNotRequireGrad:
                return text.Append("not checked (requires_grad is false)").ToString();
            case GradientCheckTensorStatus.Filtered:
                return text.Append("not checked (excluded by the parameter filter)").ToString();
            case GradientCheckTensorStatus.Unused:
                return text.Append("received no gradient (None) and the output does not depend on it: unused").ToString();
        }
        if (Projections is int projections)
        {
            text.Append(ElementsChecked.ToString(CultureInfo.InvariantCulture)).Append(" elements in ")
                .Append(projections.ToString(CultureInfo.InvariantCulture)).Append(projections == 1 ? " random projection, " : " random projections, ");
        }
        else
        {
            text.Append(ElementsChecked.ToString(CultureInfo.InvariantCulture)).Append(" of ")
                .Append(Elements.ToString(CultureInfo.InvariantCulture)).Append(" elements checked, ");
        }
        text.Append(Mismatches.ToString(CultureInfo.InvariantCulture)).Append(Mismatches == 1 ? " mismatch" : " mismatches");
        if (NonDifferentiablePoints > 0)
        {
            text.Append(", ").Append(NonDifferentiablePoints.ToString(CultureInfo.InvariantCulture)).Append(" at non-differentiable points");
        }
        if (NoGradient)
        {
            text.Append(", received no gradient (None)");
        }
        return text.ToString();
    }
}
