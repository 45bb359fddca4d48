using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetTricks;

// One tensor whose gradient is checked: a float64 leaf that requires grad and that the checked function reads.
internal sealed class GradientCheckTarget
{
    internal GradientCheckTarget(string name, GradientCheckTensorKind kind, Tensor tensor, GradientCheckTensorReport report)
    {
        Name = name;
        Kind = kind;
        Tensor = tensor;
        Report = report;
    }

    internal string Name { get; }

    internal GradientCheckTensorKind Kind { get; }

    internal Tensor Tensor { get; }

    internal GradientCheckTensorReport Report { get; }
}

// The comparison itself: autograd first (before anything is perturbed in place, which would invalidate the graph's
// saved tensors), then central differences under no_grad, each evaluation replaying the same CPU random numbers.
internal sealed class GradientCheckEngine
{
    // Full mode keeps the analytic Jacobian (rows x checked elements) in memory; beyond this it asks for fast mode.
    private const long MaxJacobianEntries = 50_000_000;

    private const double UnitRoundoff = 2.220446049250313e-16; // 2^-52, float64 machine epsilon

    private readonly Func<IReadOnlyList<Tensor>> function;
    private readonly IReadOnlyList<GradientCheckTarget> targets;
    private readonly GradientCheckOptions options;
    private readonly double step;
    private readonly WorstList mismatches;
    private readonly WorstList kinks;
    private Tensor rngState = null!;
    private OutputPart[] layout = Array.Empty<OutputPart>();
    private long outputSize;
    private double[][]? weights; // random output weightings, one per row; null: the rows are the output elements
    private List<string> notes = new();
    private int forwards;
    private int backwards;
    private long comparisons;
    private long mismatchCount;
    private long kinkCount;

    internal GradientCheckEngine(Func<IReadOnlyList<Tensor>> function, IReadOnlyList<GradientCheckTarget> targets, GradientCheckOptions options)
    {
        this.function = function;
        this.targets = targets;
        this.options = options;
        step = options.Epsilon;
        mismatches = new WorstList(options.MaxReported);
        kinks = new WorstList(options.MaxReported);
    }

    internal GradientCheckResult Run(string subject, IReadOnlyList<GradientCheckTensorReport> reports, List<string> notes)
    {
        var clock = Stopwatch.StartNew();
        this.notes = notes;
        string? problem;
        using (var scope = torch.NewDisposeScope())
        {
            rngState = torch.get_rng_state();
            try
            {
                problem = Compare();
            }
            finally
            {
                // The check must not advance the caller's random stream.
                torch.set_rng_state(rngState);
            }
        }

        foreach (var target in targets)
        {
            var report = target.Report;
            if (!report.NoGradient || problem is not null)
            {
                continue;
            }
            if (report.Mismatches == 0 && report.NonDifferentiablePoints == 0)
            {
                report.Status = GradientCheckTensorStatus.Unused;
                notes.Add($"{Describe(target)} received no gradient (None) and the output does not depend on it: unused by the checked computation.");
            }
            else
            {
                notes.Add($"{Describe(target)} received no gradient (None) although the output depends on it: the graph is cut between it and the output "
                    + "(detach(), torch.no_grad(), .data, an integer or comparison op, or a custom backward that returns no gradient for it).");
            }
        }
        return new GradientCheckResult(
            subject, options, mismatches.ToList(), mismatchCount, kinks.ToList(), kinkCount, reports, notes, problem,
            comparisons, forwards, backwards, clock.Elapsed);
    }

    private string? Compare()
    {
        using var generator = new torch.Generator(options.Seed, torch.CPU);

        IReadOnlyList<Tensor> outputs;
        using (torch.enable_grad())
        {
            torch.set_rng_state(rngState);
            outputs = function() ?? throw new InvalidOperationException("The checked function returned null instead of its output tensors.");
            forwards++;
        }
        BuildLayout(outputs);
        var differentiable = new List<Tensor>();
        foreach (var part in layout)
        {
            if (part.Differentiable)
            {
                differentiable.Add(outputs[part.Position]);
            }
        }
        if (differentiable.Count == 0)
        {
            notes.Add("No output requires grad: autograd sees no path from any checked tensor to the output (look for detach(), torch.no_grad(), .data, "
                + "integer or comparison ops, or a custom forward that builds its result outside autograd), so every analytic derivative is taken as 0.");
        }
        double[] withGrad = Flatten(outputs);
        double[] baseline = EvaluateNoGrad();
        string? problem = BaselineProblem(baseline, withGrad);
        if (problem is not null)
        {
            return problem;
        }

        if (options.Mode == GradientCheckMode.Fast)
        {
            weights = RandomWeights(generator);
            CompareFast(differentiable, baseline, generator);
        }
        else
        {
            weights = options.FullJacobian ? null : RandomWeights(generator);
            CompareFull(differentiable, baseline);
        }
        return null;
    }

    // ---- full mode -------------------------------------------------------------------------------------------

    private void CompareFull(List<Tensor> differentiable, double[] baseline)
    {
        int rowCount = checked((int)(weights?.Length ?? outputSize));
        var elements = new long[targets.Count][];
        long entries = 0;
        for (int k = 0; k < targets.Count; k++)
        {
            elements[k] = SampleElements(targets[k].Tensor.numel(), k);
            entries += (long)elements[k].Length * rowCount;
        }
        if (entries > MaxJacobianEntries)
        {
            throw new InvalidOperationException(
                $"Full mode would store a {rowCount.ToString(CultureInfo.InvariantCulture)}-row Jacobian over "
                + $"{(entries / Math.Max(1, rowCount)).ToString(CultureInfo.InvariantCulture)} checked elements ({entries.ToString(CultureInfo.InvariantCulture)} entries, "
                + $"more than {MaxJacobianEntries.ToString(CultureInfo.InvariantCulture)}). Use Mode = GradientCheckMode.Fast, FullJacobian = false "
                + "(random vector-Jacobian products) or MaxElementsPerTensor.");
        }

        // Analytic: one backward pass per row (output element, or random output weighting).
        var analytic = new double[targets.Count][];
        var gotGradient = new bool[targets.Count];
        for (int k = 0; k < targets.Count; k++)
        {
            analytic[k] = new double[elements[k].Length * rowCount];
        }
        for (int row = 0; differentiable.Count > 0 && row < rowCount; row++)
        {
            using var scope = torch.NewDisposeScope();
            var gradOutputs = GradOutputs(row);
            if (gradOutputs is null)
            {
                continue; // an element of an output that does not require grad: its analytic row is zero
            }
            var grads = Backward(differentiable, gradOutputs);
            for (int k = 0; k < targets.Count; k++)
            {
                var grad = grads[k];
                if (grad is null || grad.IsInvalid)
                {
                    continue;
                }
                gotGradient[k] = true;
                double[] values = ToArray(grad);
                long[] chosen = elements[k];
                double[] destination = analytic[k];
                for (int i = 0; i < chosen.Length; i++)
                {
                    destination[(long)i * rowCount + row] = values[chosen[i]];
                }
            }
        }

        // Numeric: perturb one element at a time (two evaluations; two more at half the step where a kink is suspected).
        double[] rows0 = Rows(baseline);
        for (int k = 0; k < targets.Count; k++)
        {
            var target = targets[k];
            target.Report.NoGradient = !gotGradient[k];
            target.Report.ElementsChecked = elements[k].Length;
            long[] shape = target.Tensor.shape;
            using var access = new GradientCheckElements(target.Tensor);
            for (int i = 0; i < elements[k].Length; i++)
            {
                long element = elements[k][i];
                double original = access[element];
                double up = original + step, down = original - step;
                double[] plus, minus;
                try
                {
                    access[element] = up;
                    plus = Rows(EvaluateNoGrad());
                    access[element] = down;
                    minus = Rows(EvaluateNoGrad());
                }
                finally
                {
                    access[element] = original; // the exact original bits, not original + step - step
                }

                // Suspects: failed comparisons, and rows whose one-sided differences disagree (a kink can hide behind a
                // symmetric central difference, as abs has at 0).
                double[] analyticColumn = new double[rowCount];
                List<int>? suspects = null;
                for (int row = 0; row < rowCount; row++)
                {
                    comparisons++;
                    analyticColumn[row] = analytic[k][(long)i * rowCount + row];
                    double numeric = (plus[row] - minus[row]) / (up - down);
                    if (!Within(analyticColumn[row], numeric) || OneSidedDisagree(rows0[row], plus[row], minus[row], up - original, original - down))
                    {
                        (suspects ??= new List<int>()).Add(row);
                    }
                }
                if (suspects is null)
                {
                    continue;
                }

                double halfUp = original + step / 2, halfDown = original - step / 2;
                double[] halfPlus, halfMinus;
                try
                {
                    access[element] = halfUp;
                    halfPlus = Rows(EvaluateNoGrad());
                    access[element] = halfDown;
                    halfMinus = Rows(EvaluateNoGrad());
                }
                finally
                {
                    access[element] = original;
                }
                var stencil = new Stencil(up - original, original - down, halfUp - original, original - halfDown);
                long[] index = GradientCheckElements.Unravel(element, shape);
                foreach (int row in suspects)
                {
                    var values = new StencilValues(rows0[row], plus[row], minus[row], halfPlus[row], halfMinus[row]);
                    var verdict = Classify(analyticColumn[row], values, stencil, !gotGradient[k]);
                    Record(target, target.Name, target.Kind, index, row, null, verdict);
                }
            }
        }
    }

    // ---- fast mode -------------------------------------------------------------------------------------------

    private void CompareFast(List<Tensor> differentiable, double[] baseline, torch.Generator generator)
    {
        int projections = weights!.Length;

        // Random unit directions, one per projection and tensor.
        var directions = new Tensor[projections, targets.Count];
        for (int p = 0; p < projections; p++)
        {
            for (int k = 0; k < targets.Count; k++)
            {
                var tensor = targets[k].Tensor;
                using var noGrad = torch.no_grad();
                var u = torch.randn(tensor.shape, dtype: ScalarType.Float64, generator: generator);
                double norm = u.numel() == 0 ? 0 : u.norm().ToDouble();
                directions[p, k] = (norm > 0 ? u.div(norm) : u).to(tensor.device);
            }
        }

        // Analytic: vᵀJ by one backward pass per projection, then its dot product with each direction.
        var analytic = new double[projections, targets.Count];
        var gotGradient = new bool[targets.Count];
        for (int p = 0; differentiable.Count > 0 && p < projections; p++)
        {
            using var scope = torch.NewDisposeScope();
            var grads = Backward(differentiable, GradOutputs(p)!);
            for (int k = 0; k < targets.Count; k++)
            {
                var grad = grads[k];
                if (grad is null || grad.IsInvalid)
                {
                    continue;
                }
                gotGradient[k] = true;
                using var noGrad = torch.no_grad();
                analytic[p, k] = grad.mul(directions[p, k]).sum().ToDouble();
            }
        }

        var originals = new Tensor[targets.Count];
        using (torch.no_grad())
        {
            for (int k = 0; k < targets.Count; k++)
            {
                originals[k] = targets[k].Tensor.detach().clone();
                targets[k].Report.NoGradient = !gotGradient[k];
                targets[k].Report.ElementsChecked = targets[k].Tensor.numel();
                targets[k].Report.Projections = projections;
            }
        }

        double[] rows0 = Rows(baseline);
        var all = Enumerable.Range(0, targets.Count).ToArray();
        for (int p = 0; p < projections; p++)
        {
            if (options.ProjectPerTensor)
            {
                for (int k = 0; k < targets.Count; k++)
                {
                    CheckDirection(p, new[] { k }, directions, originals, analytic, rows0, gotGradient, record: true);
                }
                continue;
            }

            var joint = CheckDirection(p, all, directions, originals, analytic, rows0, gotGradient, record: false);
            if (joint.Outcome == Outcome.Ok)
            {
                continue;
            }
            // Localise: which tensor's directional derivative is wrong?
            bool found = false;
            for (int k = 0; k < targets.Count; k++)
            {
                found |= CheckDirection(p, new[] { k }, directions, originals, analytic, rows0, gotGradient, record: true).Outcome != Outcome.Ok;
            }
            if (!found)
            {
                Record(null, "(all tensors, joint direction)", targets[0].Kind, null, p, p, joint);
            }
            else
            {
                comparisons--; // the joint comparison is replaced by the per-tensor ones
            }
        }
    }

    private Verdict CheckDirection(
        int p, int[] tensors, Tensor[,] directions, Tensor[] originals, double[,] analytic, double[] rows0, bool[] gotGradient, bool record)
    {
        double expected = 0;
        bool noGradient = true;
        foreach (int k in tensors)
        {
            expected += analytic[p, k];
            noGradient &= !gotGradient[k];
        }
        double plus, minus;
        try
        {
            Displace(tensors, p, step, directions, originals);
            plus = Rows(EvaluateNoGrad())[p];
            Displace(tensors, p, -step, directions, originals);
            minus = Rows(EvaluateNoGrad())[p];
        }
        finally
        {
            Displace(tensors, p, 0, directions, originals);
        }
        comparisons++;
        double numeric = (plus - minus) / (2 * step);
        if (Within(expected, numeric) && !OneSidedDisagree(rows0[p], plus, minus, step, step))
        {
            return Verdict.Ok;
        }

        double halfPlus, halfMinus;
        try
        {
            Displace(tensors, p, step / 2, directions, originals);
            halfPlus = Rows(EvaluateNoGrad())[p];
            Displace(tensors, p, -step / 2, directions, originals);
            halfMinus = Rows(EvaluateNoGrad())[p];
        }
        finally
        {
            Displace(tensors, p, 0, directions, originals);
        }
        var verdict = Classify(expected, new StencilValues(rows0[p], plus, minus, halfPlus, halfMinus), new Stencil(step, step, step / 2, step / 2), noGradient);
        if (record)
        {
            var target = targets[tensors[0]];
            Record(target, target.Name, target.Kind, null, p, p, verdict);
        }
        return verdict;
    }

    // Sets each tensor to original + amount · direction (amount 0 restores the exact original bits).
    private void Displace(int[] tensors, int p, double amount, Tensor[,] directions, Tensor[] originals)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (int k in tensors)
        {
            var original = originals[k];
            targets[k].Tensor.copy_(amount == 0 ? original : original.add(directions[p, k], amount));
        }
    }

    // ---- classification --------------------------------------------------------------------------------------

    private readonly record struct Stencil(double Up, double Down, double HalfUp, double HalfDown);

    private readonly record struct StencilValues(double Center, double Plus, double Minus, double HalfPlus, double HalfMinus);

    private enum Outcome
    {
        Ok,
        Kink,
        Mismatch,
    }

    private readonly record struct Verdict(
        Outcome Outcome, double Analytic, double Numeric, double Left, double Right, bool Straddles, bool NoGradient)
    {
        internal static Verdict Ok => new(Outcome.Ok, 0, 0, 0, 0, false, false);
    }

    // One-sided differences that disagree beyond tolerance: a kink, or strong curvature (h·|f''| above tolerance) that the
    // half-step evaluations of Classify tell apart.
    private bool OneSidedDisagree(double center, double plus, double minus, double up, double down)
    {
        double right = (plus - center) / up;
        double left = (center - minus) / down;
        return Math.Abs(right - left) > options.AbsoluteTolerance + options.RelativeTolerance * Math.Max(Math.Abs(left), Math.Abs(right));
    }

    // The finite differences straddle a kink when they break what every smooth f satisfies: the one-sided differences obey
    // D+(h) − D−(h) ≈ h·f'' ≈ 2·(D+(h/2) − D−(h/2)), and the central differences at h and h/2 agree to O(h²). A kink inside
    // [x − h, x + h] breaks one of these by about the jump in slope, which does not shrink with h. At a kink the analytic value
    // must still lie between the one-sided derivatives (be a subgradient); otherwise it is a mismatch all the same.
    private Verdict Classify(double analyticValue, StencilValues v, Stencil s, bool noGradient)
    {
        double numeric = (v.Plus - v.Minus) / (s.Up + s.Down);
        double right = (v.Plus - v.Center) / s.Up;
        double left = (v.Center - v.Minus) / s.Down;
        double halfRight = (v.HalfPlus - v.Center) / s.HalfUp;
        double halfLeft = (v.Center - v.HalfMinus) / s.HalfDown;
        double halfNumeric = (v.HalfPlus - v.HalfMinus) / (s.HalfUp + s.HalfDown);
        double kinkTolerance = options.AbsoluteTolerance + options.RelativeTolerance * Math.Max(Math.Abs(left), Math.Abs(right));
        bool finite = double.IsFinite(right) && double.IsFinite(left) && double.IsFinite(halfRight) && double.IsFinite(halfLeft);
        bool straddles = finite
            && (Math.Abs((right - left) - 2 * (halfRight - halfLeft)) > kinkTolerance || Math.Abs(numeric - halfNumeric) > kinkTolerance);
        double low = Math.Min(Math.Min(left, right), Math.Min(halfLeft, halfRight)) - kinkTolerance;
        double high = Math.Max(Math.Max(left, right), Math.Max(halfLeft, halfRight)) + kinkTolerance;
        bool subgradient = analyticValue >= low && analyticValue <= high;

        Outcome outcome = Within(analyticValue, numeric)
            ? (straddles ? Outcome.Kink : Outcome.Ok)
            : (straddles && subgradient && !noGradient ? Outcome.Kink : Outcome.Mismatch);
        return new Verdict(outcome, analyticValue, numeric, left, right, straddles, noGradient);
    }

    private void Record(GradientCheckTarget? target, string name, GradientCheckTensorKind kind, long[]? index, int row, int? projection, Verdict verdict)
    {
        if (verdict.Outcome == Outcome.Ok)
        {
            return;
        }
        string? outputName = null;
        long[]? outputIndex = null;
        int? projectionIndex = projection;
        if (projection is null)
        {
            if (weights is null)
            {
                (outputName, outputIndex) = OutputElement(row);
            }
            else
            {
                projectionIndex = row;
            }
        }

        var entry = new GradientCheckMismatch(
            name, kind, index, outputName, outputIndex, projectionIndex, verdict.Analytic, verdict.Numeric, options.Tolerance(verdict.Numeric),
            verdict.NoGradient, verdict.Left, verdict.Right, verdict.Straddles);
        if (verdict.Outcome == Outcome.Kink)
        {
            kinkCount++;
            if (target is not null)
            {
                target.Report.NonDifferentiablePoints++;
            }
            kinks.Add(entry);
        }
        else
        {
            mismatchCount++;
            if (target is not null)
            {
                target.Report.Mismatches++;
            }
            mismatches.Add(entry);
        }
    }

    private bool Within(double analyticValue, double numeric) =>
        Math.Abs(analyticValue - numeric) <= options.Tolerance(numeric); // false for NaN

    // ---- evaluation ------------------------------------------------------------------------------------------

    private sealed record OutputPart(string Name, int Position, long[] Shape, long Offset, long Count, bool Differentiable, Device Device);

    private void BuildLayout(IReadOnlyList<Tensor> outputs)
    {
        var parts = new List<OutputPart>();
        long offset = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            string name = outputs.Count == 1 ? "output" : $"output[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (output is null || output.IsInvalid)
            {
                throw new InvalidOperationException($"The checked function returned no tensor for {name}.");
            }
            if (output.dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)
            {
                throw new NotSupportedException($"{name} is {output.dtype}: the gradient checker supports real floating-point outputs only.");
            }
            if (!output.is_floating_point())
            {
                continue; // indices, masks: not differentiable, not compared
            }
            if (output.dtype != ScalarType.Float64)
            {
                throw new InvalidOperationException(
                    $"{name} is {output.dtype}, but finite differences need float64 end to end: the checked computation lowers the precision "
                    + "somewhere (a float32 constant, parameter or buffer, or an explicit conversion). Make it compute in float64.");
            }
            long count = output.numel();
            parts.Add(new OutputPart(name, i, output.shape, offset, count, output.requires_grad, output.device));
            offset += count;
        }
        if (parts.Count == 0)
        {
            throw new InvalidOperationException("The checked function returned no floating-point output: there is nothing to differentiate.");
        }
        layout = parts.ToArray();
        outputSize = offset;
    }

    private double[] EvaluateNoGrad()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.set_rng_state(rngState);
        var outputs = function() ?? throw new InvalidOperationException("The checked function returned null instead of its output tensors.");
        forwards++;
        return Flatten(outputs);
    }

    private double[] Flatten(IReadOnlyList<Tensor> outputs)
    {
        var values = new double[outputSize];
        foreach (var part in layout)
        {
            var output = part.Position < outputs.Count ? outputs[part.Position] : null;
            if (output is null || output.IsInvalid || output.dtype != ScalarType.Float64 || !output.shape.SequenceEqual(part.Shape))
            {
                throw new InvalidOperationException(
                    $"{part.Name} changed between evaluations (it was Float64 {GradientCheckMismatch.FormatIndex(part.Shape)}): the checked function must return outputs of the same shape and type every time.");
            }
            if (part.Count > 0)
            {
                Array.Copy(ToArray(output), 0, values, part.Offset, part.Count);
            }
        }
        return values;
    }

    private static double[] ToArray(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var flat = tensor.detach().reshape(-1).cpu().contiguous();
        using var accessor = flat.data<double>();
        return accessor.ToArray();
    }

    // The compared values of one evaluation: the output elements, or its random weightings vᵀy.
    private double[] Rows(double[] outputsFlat)
    {
        if (weights is null)
        {
            return outputsFlat;
        }
        var rows = new double[weights.Length];
        for (int r = 0; r < weights.Length; r++)
        {
            double sum = 0;
            double[] w = weights[r];
            for (long i = 0; i < w.LongLength; i++)
            {
                sum += w[i] * outputsFlat[i];
            }
            rows[r] = sum;
        }
        return rows;
    }

    private IList<Tensor> Backward(List<Tensor> differentiable, List<Tensor> gradOutputs)
    {
        backwards++;
        var inputs = targets.Select(t => t.Tensor).ToList();
        return torch.autograd.grad(differentiable, inputs, gradOutputs, retain_graph: true, create_graph: false, allow_unused: true);
    }

    // The output weighting of one row, split over the differentiable outputs; null when the row is an element of an
    // output that does not require grad (its analytic derivative is zero and needs no backward pass).
    private List<Tensor>? GradOutputs(int row)
    {
        var gradOutputs = new List<Tensor>();
        if (weights is null)
        {
            var (hit, _) = PartOf(row);
            if (!hit.Differentiable)
            {
                return null;
            }
            foreach (var part in layout.Where(p => p.Differentiable))
            {
                var grad = torch.zeros(part.Shape, dtype: ScalarType.Float64, device: part.Device);
                if (ReferenceEquals(part, hit))
                {
                    using var noGrad = torch.no_grad();
                    grad.view(-1)[row - part.Offset] = torch.tensor(1.0, dtype: ScalarType.Float64, device: part.Device);
                }
                gradOutputs.Add(grad);
            }
            return gradOutputs;
        }

        double[] w = weights[row];
        foreach (var part in layout.Where(p => p.Differentiable))
        {
            var slice = new double[part.Count];
            Array.Copy(w, part.Offset, slice, 0, part.Count);
            gradOutputs.Add(torch.tensor(slice, dtype: ScalarType.Float64).reshape(part.Shape).to(part.Device));
        }
        return gradOutputs;
    }

    private (OutputPart Part, long Local) PartOf(long row)
    {
        foreach (var part in layout)
        {
            if (row >= part.Offset && row < part.Offset + part.Count)
            {
                return (part, row - part.Offset);
            }
        }
        throw new ArgumentOutOfRangeException(nameof(row));
    }

    private (string Name, long[] Index) OutputElement(long row)
    {
        var (part, local) = PartOf(row);
        return (part.Name, GradientCheckElements.Unravel(local, part.Shape));
    }

    private double[][] RandomWeights(torch.Generator generator)
    {
        var rows = new double[options.Projections][];
        for (int p = 0; p < rows.Length; p++)
        {
            using var scope = torch.NewDisposeScope();
            rows[p] = ToArray(torch.randn(new[] { outputSize }, dtype: ScalarType.Float64, generator: generator));
        }
        return rows;
    }

    // A reproducible sample of element indices (all of them unless MaxElementsPerTensor is smaller), ascending.
    private long[] SampleElements(long count, int tensor)
    {
        if (options.MaxElementsPerTensor is not int limit || limit >= count)
        {
            var all = new long[count];
            for (long i = 0; i < count; i++)
            {
                all[i] = i;
            }
            return all;
        }
        // Floyd's algorithm: `limit` distinct indices without materialising all of them.
        var random = new Random(unchecked((int)options.Seed * 31 + tensor));
        var chosen = new HashSet<long>();
        for (long j = count - limit; j < count; j++)
        {
            long candidate = (long)(random.NextDouble() * (j + 1));
            if (!chosen.Add(candidate))
            {
                chosen.Add(j);
            }
        }
        var sorted = chosen.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private string? BaselineProblem(double[] baseline, double[] withGrad)
    {
        for (long i = 0; i < baseline.LongLength; i++)
        {
            if (!double.IsFinite(baseline[i]))
            {
                var (name, index) = OutputElement(i);
                return $"{name} {GradientCheckMismatch.FormatIndex(index)} is {GradientCheckMismatch.Format(baseline[i])} at the checked point: "
                    + "gradients cannot be compared where the function is not finite (check the inputs, or log/sqrt/division at their domain edge).";
            }
        }
        for (long i = 0; i < baseline.LongLength; i++)
        {
            double difference = Math.Abs(baseline[i] - withGrad[i]);
            // Differences this small change a finite difference by less than a tenth of the absolute tolerance
            // (or are last-bit rounding of large values, which no step could avoid).
            double allowed = Math.Max(0.1 * step * options.AbsoluteTolerance, 8 * Math.Abs(baseline[i]) * UnitRoundoff);
            if (!(difference <= allowed))
            {
                var (name, index) = OutputElement(i);
                return $"the function is not deterministic: two evaluations at the same point differ by {GradientCheckMismatch.Format(difference)} at {name} "
                    + $"{GradientCheckMismatch.FormatIndex(index)} ({GradientCheckMismatch.Format(withGrad[i])} vs {GradientCheckMismatch.Format(baseline[i])}), so finite differences "
                    + "with this step are noise. Look for randomness not drawn from torch's CPU generator, state the forward changes, or a forward that behaves differently under no_grad.";
            }
        }
        return null;
    }

    private static string Describe(GradientCheckTarget target) =>
        (target.Kind == GradientCheckTensorKind.Parameter ? "parameter '" : "input '") + target.Name + "'";

    // Keeps the worst entries (largest error in tolerances) in order.
    private sealed class WorstList
    {
        private readonly int capacity;
        private readonly List<GradientCheckMismatch> entries = new();

        internal WorstList(int capacity)
        {
            this.capacity = capacity;
        }

        internal void Add(GradientCheckMismatch entry)
        {
            int position = entries.FindIndex(e => e.Excess < entry.Excess);
            if (position < 0)
            {
                position = entries.Count;
            }
            if (position >= capacity)
            {
                return;
            }
            entries.Insert(position, entry);
            if (entries.Count > capacity)
            {
                entries.RemoveAt(entries.Count - 1);
            }
        }

        internal List<GradientCheckMismatch> ToList() => new(entries);
    }
}
