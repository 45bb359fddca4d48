using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetTricks;

/// <summary>
/// The outcome of a <see cref="GradientChecker"/> check: passed or failed, the worst mismatches by tensor name and
/// index, non-differentiable points, per-tensor summaries and the cost. <see cref="ToString"/> prints it;
/// <see cref="ThrowIfFailed"/> turns a failure into a <see cref="GradientCheckFailedException"/>.
/// </summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(
        string subject, GradientCheckOptions options, IReadOnlyList<GradientCheckMismatch> mismatches, long mismatchCount,
        IReadOnlyList<GradientCheckMismatch> nonDifferentiablePoints, long nonDifferentiablePointCount,
        IReadOnlyList<GradientCheckTensorReport> tensors, IReadOnlyList<string> notes, string? problem,
        long comparisons, int forwardPasses, int backwardPasses, TimeSpan elapsed)
    {
        Subject = subject;
        Mode = options.Mode;
        Epsilon = options.Epsilon;
        AbsoluteTolerance = options.AbsoluteTolerance;
        RelativeTolerance = options.RelativeTolerance;
        Mismatches = mismatches;
        MismatchCount = mismatchCount;
        NonDifferentiablePoints = nonDifferentiablePoints;
        NonDifferentiablePointCount = nonDifferentiablePointCount;
        Tensors = tensors;
        Notes = notes;
        Problem = problem;
        Comparisons = comparisons;
        ForwardPasses = forwardPasses;
        BackwardPasses = backwardPasses;
        Elapsed = elapsed;
        NonDifferentiablePointsFail = options.FailOnNonDifferentiablePoints;
    }

    /// <summary>What was checked, e.g. <c>function</c>, <c>module Sequential</c>, <c>autograd function Cube</c>.</summary>
    public string Subject { get; }

    /// <summary>Full or fast.</summary>
    public GradientCheckMode Mode { get; }

    /// <summary>The finite-difference step used.</summary>
    public double Epsilon { get; }

    /// <summary>The absolute tolerance used.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>The relative tolerance used.</summary>
    public double RelativeTolerance { get; }

    /// <summary>
    /// True when no comparison failed and nothing prevented the check (see <see cref="Problem"/>). Non-differentiable points
    /// do not fail the check unless <see cref="GradientCheckOptions.FailOnNonDifferentiablePoints"/> is set.
    /// </summary>
    public bool Passed => MismatchCount == 0 && Problem is null && !(NonDifferentiablePointsFail && NonDifferentiablePointCount > 0);

    /// <summary>The worst failed comparisons (largest error relative to its tolerance first), at most <see cref="GradientCheckOptions.MaxReported"/>.</summary>
    public IReadOnlyList<GradientCheckMismatch> Mismatches { get; }

    /// <summary>The worst failed comparison, or <c>null</c>.</summary>
    public GradientCheckMismatch? WorstMismatch => Mismatches.Count > 0 ? Mismatches[0] : null;

    /// <summary>All failed comparisons (not only the reported ones).</summary>
    public long MismatchCount { get; }

    /// <summary>
    /// Comparisons where the finite differences straddle a kink (relu or abs at 0, ...) and the analytic value lies between the
    /// one-sided derivatives: not a gradient bug, but not verifiable there either. At most <see cref="GradientCheckOptions.MaxReported"/>.
    /// </summary>
    public IReadOnlyList<GradientCheckMismatch> NonDifferentiablePoints { get; }

    /// <summary>All comparisons at non-differentiable points.</summary>
    public long NonDifferentiablePointCount { get; }

    /// <summary>Every input and parameter the checker saw: checked, unused or skipped (and why).</summary>
    public IReadOnlyList<GradientCheckTensorReport> Tensors { get; }

    /// <summary>Remarks: inputs or parameters that were skipped or received no gradient, restored module state, ...</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// A finding that made the comparison meaningless and failed the check: the function is not deterministic, or its output
    /// is NaN or infinite at the checked point. <c>null</c> otherwise.
    /// </summary>
    public string? Problem { get; }

    /// <summary>Number of scalar comparisons made (Jacobian entries in full mode, projected derivatives in fast mode).</summary>
    public long Comparisons { get; }

    /// <summary>Elements of all checked tensors that were perturbed (full mode) or covered by the random directions (fast mode).</summary>
    public long ElementsChecked => Tensors.Where(t => t.Status is GradientCheckTensorStatus.Checked or GradientCheckTensorStatus.Unused).Sum(t => t.ElementsChecked);

    /// <summary>Forward evaluations of the function or module.</summary>
    public int ForwardPasses { get; }

    /// <summary>Backward passes (vector-Jacobian products).</summary>
    public int BackwardPasses { get; }

    /// <summary>Wall time of the check.</summary>
    public TimeSpan Elapsed { get; }

    private bool NonDifferentiablePointsFail { get; }

    /// <summary>Throws <see cref="GradientCheckFailedException"/> (whose message is <see cref="ToString"/>) when the check failed.</summary>
    /// <returns>This result, when it passed.</returns>
    public GradientCheckResult ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new GradientCheckFailedException(this);
        }
        return this;
    }

    /// <summary>A multi-line report: verdict, worst mismatches, non-differentiable points, tensors, notes and cost.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        string mode = Mode == GradientCheckMode.Fast ? "fast mode" : "full mode";
        text.Append("NetTricks gradient check ").Append(Passed ? "passed" : "FAILED").Append(" (").Append(Subject).Append(", ").Append(mode)
            .Append(", eps ").Append(GradientCheckMismatch.Format(Epsilon))
            .Append(", atol ").Append(GradientCheckMismatch.Format(AbsoluteTolerance))
            .Append(", rtol ").Append(GradientCheckMismatch.Format(RelativeTolerance)).Append("): ")
            .Append(Count(MismatchCount)).Append(" of ").Append(Count(Comparisons)).Append(" comparisons failed");
        if (NonDifferentiablePointCount > 0)
        {
            text.Append(", ").Append(Count(NonDifferentiablePointCount)).Append(" at non-differentiable points");
        }
        text.Append('.');
        if (Problem is not null)
        {
            text.AppendLine().Append("  problem: ").Append(Problem);
        }
        if (Mismatches.Count > 0)
        {
            text.AppendLine().Append("  worst: ").Append(Mismatches[0]);
            foreach (var mismatch in Mismatches.Skip(1))
            {
                text.AppendLine().Append("         ").Append(mismatch);
            }
            if (MismatchCount > Mismatches.Count)
            {
                text.AppendLine().Append("         ... and ").Append(Count(MismatchCount - Mismatches.Count)).Append(" more");
            }
        }
        if (NonDifferentiablePoints.Count > 0)
        {
            text.AppendLine().Append("  non-differentiable points (finite differences straddle a kink; analytic value between the one-sided derivatives");
            text.Append(NonDifferentiablePointsFail ? ", counted as failures):" : ", not counted as failures):");
            foreach (var point in NonDifferentiablePoints)
            {
                text.AppendLine().Append("    ").Append(point);
            }
            if (NonDifferentiablePointCount > NonDifferentiablePoints.Count)
            {
                text.AppendLine().Append("    ... and ").Append(Count(NonDifferentiablePointCount - NonDifferentiablePoints.Count)).Append(" more");
            }
        }
        foreach (var tensor in Tensors)
        {
            text.AppendLine().Append("  ").Append(tensor);
        }
        foreach (var note in Notes)
        {
            text.AppendLine().Append("  note: ").Append(note);
        }
        text.AppendLine().Append("  cost: ").Append(Count(ForwardPasses)).Append(" forward, ").Append(Count(BackwardPasses))
            .Append(" backward passes, ").Append(Elapsed.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)).Append(" ms");
        return text.ToString();
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
