using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>
/// The state and findings of one checked model (<see cref="CheckedSequential.Checker"/>, <see cref="CheckedModel.Checker"/>):
/// step counting, findings, the report, and the gradient checks that run after backward. Not thread-safe, like the
/// module it belongs to.
/// </summary>
/// <remarks>
/// Checks are small reductions under <c>no_grad</c> into 0-d float32 tensors that are stacked and read at once: one
/// device synchronisation at the end of the forward pass and one in <see cref="AfterBackward"/>, never one per layer.
/// They read tensors and never write them, and draw no random numbers, so a checked model's outputs and gradients
/// are bitwise identical to the unchecked model's. What is checked when: see <see cref="CheckedOptions"/>.
/// </remarks>
public sealed class TrainingChecker : IDisposable
{
    // Identical neurons come from the initialization (or rows collapsing to zero): step 1 matters, and after it
    // every 100th sampled step (step 1001, 2001, ... by default) is enough for a check that reads every weight.
    private const int IdenticalNeuronSampleInterval = 100;
    private const double IdenticalTolerance = 1e-6; // relative to the largest |weight| of the layer

    private readonly torch.nn.Module model;
    private readonly string modelName;
    private readonly List<TrainingFinding> findings = new();
    private readonly HashSet<(FindingKind, string)> logged = new();
    private readonly List<Action> unhook = new();
    private readonly HashSet<torch.nn.Module> hooked = new(ReferenceEqualityComparer.Instance);
    private readonly List<Entry> entries = new();
    private readonly List<torch.Tensor> scalars = new();
    private readonly List<torch.Tensor> owned = new();
    private readonly List<Entry> outputs = new(); // input and observed outputs of the step, in completion order
    private readonly Dictionary<(long, torch.ScalarType, string), torch.Tensor> projections = new();
    private List<LayerInfo>? trainableLayers;
    private List<ParameterInfo>? parameters;

    private bool inStep;
    private bool stepSampled;
    private bool gradientsPending;
    private long dropped;

    internal TrainingChecker(torch.nn.Module model, torch.nn.Module inner, string modelName, CheckedOptions? options)
    {
        this.model = model;
        Inner = inner;
        this.modelName = modelName;
        Options = options ?? new CheckedOptions();
    }

    /// <summary>How an observed output stays readable until the end of the step.</summary>
    internal enum Retention
    {
        /// <summary>The caller keeps it (the model's output).</summary>
        Caller,

        /// <summary>The checker disposes it at the end of the step (intermediates of a checked Sequential).</summary>
        DisposeAtEndOfStep,

        /// <summary>Someone else may dispose it: the checker keeps an alias (outputs seen by hooks).</summary>
        Alias,
    }

    private enum EntryKind
    {
        Sentinel,
        DeadCount,
        SaturatedCount,
        InputNorm,
        IdenticalCount,
        IdenticalMaxAbs,
        GradientSentinel,
        GradientNorm,
    }

    /// <summary>Thresholds, sampling and reporting; changes apply from the next step.</summary>
    public CheckedOptions Options { get; }

    /// <summary>Training steps seen so far (training-mode forwards with gradients enabled).</summary>
    public long StepCount { get; private set; }

    /// <summary>Steps on which the statistics were computed (step 1 and every <see cref="CheckedOptions.SampleEvery"/>-th).</summary>
    public long SampledSteps { get; private set; }

    /// <summary>Backward passes whose gradients were checked (<see cref="AfterBackward"/> calls that found a new step).</summary>
    public long GradientChecks { get; private set; }

    /// <summary>Every finding kept so far, in the order seen (at most <see cref="CheckedOptions.MaxFindings"/>).</summary>
    public IReadOnlyList<TrainingFinding> Findings => findings;

    internal torch.nn.Module Inner { get; }

    /// <summary>
    /// Checks the parameter gradients of the last training step: NaN/infinity on every step, before the optimizer
    /// can spread it into the weights (every gradient on sampled steps; in between, the bias gradient of each
    /// Linear/Conv/Bilinear layer stands in for its weight gradient, since a non-finite value flowing into the layer
    /// shows in both), and on sampled steps the ratio of the first to the last layer's weight gradient norm
    /// (vanishing/exploding gradients). Call it after <c>loss.backward()</c> and before <c>optimizer.step()</c>, or
    /// use <see cref="Step"/>. A second call for the same step does nothing.
    /// </summary>
    /// <exception cref="NonFiniteValueException">A gradient is not finite and <see cref="CheckedOptions.ThrowOnNonFinite"/> is set.</exception>
    public void AfterBackward()
    {
        if (!gradientsPending)
        {
            return;
        }
        gradientsPending = false;
        GradientChecks++;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, parameter, floating, everyStep) in Parameters())
            {
                if (!everyStep && !stepSampled)
                {
                    continue;
                }
                var gradient = parameter.grad;
                if (gradient is null)
                {
                    continue;
                }
                owned.Add(gradient); // each .grad is a new handle to the same storage: ours to release
                if (floating && !gradient.is_sparse)
                {
                    AddScalar(new Entry(EntryKind.GradientSentinel, name, gradient, 0), FiniteProbe(gradient));
                }
            }
            if (stepSampled)
            {
                foreach (var layer in TrainableLayers())
                {
                    if (layer.Weight?.grad is { } gradient)
                    {
                        owned.Add(gradient);
                        AddScalar(new Entry(EntryKind.GradientNorm, layer.DisplayName, null, gradient.numel()), ToFloat(gradient.norm()));
                    }
                }
            }
            Analyse();
        }
        finally
        {
            Release(null, null);
        }
    }

    /// <summary><see cref="AfterBackward"/>, then <c>optimizer.step()</c> (skipped when the check throws).</summary>
    /// <param name="optimizer">The optimizer of the checked model's parameters.</param>
    /// <returns>What <c>optimizer.step()</c> returns (the closure's loss, usually null).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="NonFiniteValueException">A gradient is not finite (the step was not taken).</exception>
    public torch.Tensor? Step(torch.optim.Optimizer optimizer)
    {
        if (optimizer is null)
        {
            throw new ArgumentNullException(nameof(optimizer));
        }
        AfterBackward();
        return optimizer.step();
    }

    /// <summary>
    /// A readable report: steps, sampling, and each kind of finding per layer with how often and when it was seen
    /// and its first message.
    /// </summary>
    public string Report()
    {
        var text = new StringBuilder();
        text.Append("NetTricks checked model '").Append(modelName).Append("': ")
            .Append(Format(StepCount)).Append(StepCount == 1 ? " step, " : " steps, ")
            .Append(Format(SampledSteps)).Append(" sampled (step 1 and every ").Append(Format(Options.SampleEvery))
            .Append(Options.SampleEvery == 1 ? " step), " : " steps), ")
            .Append(Format(GradientChecks)).Append(" gradient checks; ");
        if (findings.Count == 0)
        {
            text.Append("no findings.");
        }
        else
        {
            text.Append(Format(findings.Count)).Append(findings.Count == 1 ? " finding:" : " findings:");
            foreach (var group in findings.GroupBy(f => (f.Kind, f.Layer)))
            {
                var first = group.First();
                long last = group.Last().Step;
                int count = group.Count();
                text.AppendLine().Append("  ").Append(first.Kind).Append(" at '").Append(first.Layer).Append("': ")
                    .Append(Format(count)).Append(count == 1 ? " time, step " : " times, steps ").Append(Format(first.Step));
                if (count > 1)
                {
                    text.Append('-').Append(Format(last));
                }
                text.AppendLine().Append("    ").Append(first.Message);
            }
        }
        if (dropped > 0)
        {
            text.AppendLine().Append("  (").Append(Format(dropped)).Append(" more findings were dropped: CheckedOptions.MaxFindings)");
        }
        if (StepCount > 0 && GradientChecks == 0)
        {
            text.AppendLine().Append("  Gradients were not checked: call AfterBackward() (or Step(optimizer)) after loss.backward().");
        }
        return text.ToString();
    }

    /// <summary>Throws <see cref="TrainingFindingsException"/> (with the report as message) when there is any finding.</summary>
    /// <exception cref="TrainingFindingsException">There are findings.</exception>
    public void ThrowIfFindings()
    {
        if (findings.Count > 0)
        {
            throw new TrainingFindingsException(findings.ToArray(), Report());
        }
    }

    /// <summary>Forgets the findings (and which ones were logged); step counts and drift baselines stay.</summary>
    public void ClearFindings()
    {
        findings.Clear();
        logged.Clear();
        dropped = 0;
    }

    /// <summary>Removes the forward hooks this checker registered on the model's layers and frees its cached tensors.</summary>
    public void Dispose()
    {
        foreach (var remove in unhook)
        {
            remove();
        }
        unhook.Clear();
        hooked.Clear();
        foreach (var projection in projections.Values)
        {
            projection.Dispose();
        }
        projections.Clear();
    }

    internal bool InStep => inStep;

    internal void AddUnhook(Action remove) => unhook.Add(remove);

    /// <summary>True the first time a module is hooked by this checker.</summary>
    internal bool MarkHooked(torch.nn.Module module) => hooked.Add(module);

    /// <summary>Starts a step when the model is training with gradients enabled; false means: run unchecked.</summary>
    internal bool BeginStep(torch.Tensor input)
    {
        if (inStep || !Inner.training || !torch.is_grad_enabled())
        {
            return false;
        }
        StepCount++;
        stepSampled = (StepCount - 1) % Options.SampleEvery == 0;
        if (stepSampled)
        {
            SampledSteps++;
        }
        inStep = true;
        gradientsPending = true;
        if (input is not null && torch.is_floating_point(input))
        {
            using var noGrad = torch.no_grad();
            var entry = new Entry(EntryKind.Sentinel, "(input)", input, input.numel()) { Location = NonFiniteLocation.Input };
            outputs.Add(entry);
            AddScalar(entry, FiniteProbe(input));
        }
        return true;
    }

    /// <summary>Records the output of one layer (and, on sampled steps, its statistics).</summary>
    /// <param name="slot">The layer.</param>
    /// <param name="input">Its input (for pre-activation statistics), if known.</param>
    /// <param name="output">Its output.</param>
    /// <param name="retention">Who keeps <paramref name="output"/> alive until the end of the step.</param>
    internal void Observe(CheckedLayerSlot slot, torch.Tensor? input, torch.Tensor output, Retention retention)
    {
        if (!inStep || output is null || output.IsInvalid)
        {
            return;
        }
        int call = slot.CallStep == StepCount ? slot.CallsThisStep : 0;
        slot.CallStep = StepCount;
        slot.CallsThisStep = call + 1;
        string name = slot.NameForCall(call);
        using var noGrad = torch.no_grad();
        bool floating = torch.is_floating_point(output);
        if (retention == Retention.DisposeAtEndOfStep)
        {
            owned.Add(output);
        }
        if (floating)
        {
            // Kept until the end of the step to locate a non-finite value. A hooked layer's output may be disposed
            // later in the forward pass (Sequential disposes intermediates), hence an alias of our own.
            var kept = retention == Retention.Alias ? Own(output.alias()) : output;
            var entry = new Entry(EntryKind.Sentinel, name, kept, output.numel()) { Location = NonFiniteLocation.Output, Slot = slot, Call = call };
            outputs.Add(entry);
            if (stepSampled)
            {
                // NaN and infinity nearly always reach the model output, which is checked on every step; a
                // per-layer sum on sampled steps also catches those that do not (relu(-inf) = 0, softmax of -inf).
                AddScalar(entry, FiniteProbe(output));
            }
        }
        if (!stepSampled || !floating)
        {
            return;
        }
        switch (slot.Check)
        {
            case LayerCheck.DeadUnits:
                if (output.dim() >= 2 && output.shape[0] > 0)
                {
                    // A unit (feature or channel, dimension 1) is dead on this batch when it is zero everywhere.
                    var otherDims = AllDimsBut(output.dim(), 1);
                    using var peak = output.amax(otherDims);
                    using var dead = peak.le(0);
                    AddScalar(new Entry(EntryKind.DeadCount, name, null, output.shape[1]) { Slot = slot, Call = call }, dead.sum(torch.ScalarType.Float32));
                }
                AddInputNorm(slot, call, name, input);
                break;
            case LayerCheck.Saturation:
                if (input is not null && torch.is_floating_point(input) && input.numel() > 0)
                {
                    double bound = Options.SaturationBound * slot.SaturationBoundScale;
                    using var magnitude = input.abs();
                    using var beyond = magnitude.gt(bound);
                    AddScalar(new Entry(EntryKind.SaturatedCount, name, null, input.numel()) { Slot = slot, Call = call, Bound = bound },
                        beyond.sum(torch.ScalarType.Float32));
                }
                AddInputNorm(slot, call, name, input);
                break;
            case LayerCheck.Drift:
                AddInputNorm(slot, call, name, input);
                break;
        }
    }

    /// <summary>Ends a step: weight statistics, one read of everything, findings; releases the step's tensors.</summary>
    /// <param name="output">The model's output (kept).</param>
    /// <param name="input">The model's input (kept).</param>
    /// <param name="rootSlot">When not null, the model output is checked too under this slot's name (a wrapped custom model).</param>
    internal void EndStep(torch.Tensor output, torch.Tensor input, CheckedLayerSlot? rootSlot)
    {
        try
        {
            if (rootSlot is not null)
            {
                Observe(rootSlot, null, output, Retention.Caller);
            }
            if (!stepSampled && torch.is_floating_point(output))
            {
                using var noGrad = torch.no_grad();
                AddScalar(new Entry(EntryKind.Sentinel, "(output)", output, output.numel()), FiniteProbe(output));
            }
            if (stepSampled && (SampledSteps - 1) % IdenticalNeuronSampleInterval == 0)
            {
                using var noGrad = torch.no_grad();
                foreach (var layer in TrainableLayers())
                {
                    AddIdenticalNeurons(layer);
                }
            }
            Analyse();
        }
        catch
        {
            inStep = false;
            Release(output, input);
            throw;
        }
        inStep = false;
        Release(output, input);
    }

    /// <summary>Ends a step that failed inside a layer: releases everything but the input.</summary>
    internal void AbortStep(torch.Tensor input)
    {
        inStep = false;
        Release(input, null);
    }

    /// <summary>Forgets the cached lists of weight layers and parameters (after layers were added to the model).</summary>
    internal void LayersChanged()
    {
        trainableLayers = null;
        parameters = null;
    }

    // named_parameters() builds every name again on each call: the list is cached, and rebuilt on sampled steps and
    // whenever a parameter was disposed (module.to(dtype or device) replaces and disposes every parameter).
    private List<ParameterInfo> Parameters()
    {
        if (parameters is null || stepSampled || parameters.Exists(p => p.Parameter.IsInvalid))
        {
            // A bias gradient is the gradient flowing into the layer's output summed over the batch, so a NaN or
            // infinity there shows in it; the weight gradient adds only the layer's input, which the forward checks
            // saw finite. So between sampled steps the bias stands in for the (much larger) weight of its layer.
            var coveredByBias = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
            foreach (var layer in TrainableLayers())
            {
                if (layer.Bias is { requires_grad: true } && layer.Weight is { } weight)
                {
                    coveredByBias.Add(weight);
                }
            }
            parameters = model.named_parameters()
                .Select(p => new ParameterInfo(p.name, p.parameter, torch.is_floating_point(p.parameter), !coveredByBias.Contains(p.parameter)))
                .ToList();
        }
        return parameters;
    }

    private List<LayerInfo> TrainableLayers() =>
        trainableLayers ??= InitLayers.Leaves(Inner).Where(l => l.Role == LayerRole.Trainable).ToList();

    private void AddInputNorm(CheckedLayerSlot slot, int call, string name, torch.Tensor? input)
    {
        if (input is null || !torch.is_floating_point(input) || input.numel() == 0)
        {
            return;
        }
        AddScalar(new Entry(EntryKind.InputNorm, name, null, input.numel()) { Slot = slot, Call = call }, ToFloat(input.norm()));
    }

    private void AddIdenticalNeurons(LayerInfo layer)
    {
        var weight = layer.Weight;
        if (weight is null || weight.dim() < 2 || !torch.is_floating_point(weight))
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        // One row per neuron: output features, or output channels (dimension 1 of a transposed convolution's weight).
        var matrix = layer.Module is Convolution { transposed: true }
            ? weight.detach().transpose(0, 1).flatten(1)
            : weight.detach().flatten(1);
        long rows = matrix.shape[0];
        if (rows < 2)
        {
            return;
        }
        // Sorting the rows by a fixed projection puts identical rows next to each other; comparing neighbours
        // row by row then finds every neuron that has a twin in O(rows × columns) instead of all pairs.
        var order = matrix.matmul(Projection(matrix)).argsort();
        var sorted = matrix.index_select(0, order);
        var gaps = torch.linalg.vector_norm(sorted.narrow(0, 1, rows - 1) - sorted.narrow(0, 0, rows - 1), double.PositiveInfinity, new long[] { 1 });
        var largest = torch.linalg.vector_norm(matrix, double.PositiveInfinity);
        var twins = gaps.le(largest * IdenticalTolerance).to_type(torch.ScalarType.Float32);
        var padded = torch.nn.functional.pad(twins, new long[] { 1, 1 });
        var inGroup = torch.maximum(padded.narrow(0, 0, rows), padded.narrow(0, 1, rows)).sum();
        AddScalar(new Entry(EntryKind.IdenticalCount, layer.DisplayName, null, rows), inGroup.DetachFromDisposeScope());
        AddScalar(new Entry(EntryKind.IdenticalMaxAbs, layer.DisplayName, null, rows), ToFloat(largest).DetachFromDisposeScope());
    }

    private torch.Tensor Projection(torch.Tensor matrix)
    {
        long columns = matrix.shape[1];
        var key = (columns, matrix.dtype, matrix.device.ToString());
        if (!projections.TryGetValue(key, out var projection))
        {
            // Deterministic, not drawn from torch's generator, so checking never changes the random stream.
            using var scope = torch.NewDisposeScope();
            projection = (torch.arange(columns, dtype: torch.ScalarType.Float64) * 0.6180339887498949 + 0.1).frac()
                .to(matrix.dtype, matrix.device).DetachFromDisposeScope();
            projections.Add(key, projection);
        }
        return projection;
    }

    private void AddScalar(Entry entry, torch.Tensor scalar)
    {
        entries.Add(entry);
        scalars.Add(scalar);
    }

    private torch.Tensor Own(torch.Tensor tensor)
    {
        owned.Add(tensor);
        return tensor;
    }

    // A 0-d float32 value that is finite when every element is (NaN and infinity propagate through a sum). A sum
    // that overflows float32 although every element is finite is a false alarm the exact check dismisses.
    private static torch.Tensor FiniteProbe(torch.Tensor tensor) =>
        tensor.dtype == torch.ScalarType.Float32 ? tensor.sum() : tensor.sum(torch.ScalarType.Float32);

    private static torch.Tensor ToFloat(torch.Tensor scalar)
    {
        if (scalar.dtype == torch.ScalarType.Float32)
        {
            return scalar;
        }
        using (scalar)
        {
            return scalar.to_type(torch.ScalarType.Float32);
        }
    }

    private static long[] AllDimsBut(long dims, long keep)
    {
        var result = new long[dims - 1];
        for (long d = 0, i = 0; d < dims; d++)
        {
            if (d != keep)
            {
                result[i++] = d;
            }
        }
        return result;
    }

    private void Analyse()
    {
        if (scalars.Count == 0)
        {
            return;
        }
        float[] values;
        using (var stacked = torch.stack(scalars))
        {
            // The one synchronisation of this forward pass (or of this gradient check).
            using var copy = stacked.device_type == DeviceType.CPU ? null : stacked.cpu();
            values = MemoryMarshal.Cast<byte, float>((copy ?? stacked).bytes).ToArray(); // cheaper than data<float>()
        }

        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Kind == EntryKind.Sentinel && !float.IsFinite(values[i]))
            {
                LocateNonFinite();
                break;
            }
            if (entry.Kind == EntryKind.GradientSentinel && !float.IsFinite(values[i]))
            {
                ReportNonFiniteGradient();
                break;
            }
        }

        List<(string Layer, double Norm)>? gradientNorms = null;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            double value = values[i];
            switch (entry.Kind)
            {
                case EntryKind.DeadCount:
                    CheckDead(entry, value / entry.Count);
                    break;
                case EntryKind.SaturatedCount:
                    CheckSaturated(entry, value / entry.Count);
                    break;
                case EntryKind.InputNorm:
                    CheckDrift(entry, value / Math.Sqrt(entry.Count));
                    break;
                case EntryKind.IdenticalCount:
                    CheckIdentical(entry, value, values[i + 1]);
                    break;
                case EntryKind.GradientNorm:
                    (gradientNorms ??= new()).Add((entry.Name, value));
                    break;
            }
        }
        if (gradientNorms is not null)
        {
            CheckGradientRatio(gradientNorms);
        }
    }

    private void CheckDead(Entry entry, double fraction)
    {
        if (fraction >= Options.DeadUnitFraction)
        {
            Record(new TrainingFinding(FindingKind.DeadUnits, entry.Name, StepCount, fraction, Options.DeadUnitFraction,
                $"NetTricks: {Percent(fraction)} of the {Format(entry.Count)} units of '{entry.Name}' output zero for the whole batch at step {Format(StepCount)} "
                + $"(dead ReLU units; threshold {Percent(Options.DeadUnitFraction)}). Dead units get no gradient and never recover. Usual causes: "
                + "large negative biases, a too-large learning rate, unnormalised inputs. Initialise with Init.ForActivations (He, zero biases), "
                + "lower the learning rate or use LeakyReLU."));
        }
    }

    private void CheckSaturated(Entry entry, double fraction)
    {
        if (fraction > Options.SaturatedFraction)
        {
            string activation = entry.Slot!.Info.Module is Tanh ? "tanh" : "sigmoid";
            Record(new TrainingFinding(FindingKind.Saturation, entry.Name, StepCount, fraction, Options.SaturatedFraction,
                $"NetTricks: {Percent(fraction)} of the pre-activations of '{entry.Name}' ({activation}) lie beyond ±{Format(entry.Bound)} at step {Format(StepCount)} "
                + $"(saturated units: the slope there is below 3% of its maximum, so almost no gradient flows; threshold {Percent(Options.SaturatedFraction)}). "
                + "Normalise the inputs, initialise with Init.ForActivations (Xavier) or lower the learning rate."));
        }
    }

    private void CheckDrift(Entry entry, double rms)
    {
        var slot = entry.Slot!;
        if (!double.IsFinite(rms))
        {
            return; // the non-finite check reports it
        }
        if (!slot.BaselineRms.TryGetValue(entry.Call, out double baseline))
        {
            if (rms > 0)
            {
                slot.BaselineRms[entry.Call] = rms;
            }
            return;
        }
        double factor = rms / baseline;
        if (factor > Options.DriftFactor || factor < 1 / Options.DriftFactor)
        {
            string direction = factor > 1 ? "grown" : "shrunk";
            Record(new TrainingFinding(FindingKind.ActivationDrift, entry.Name, StepCount, factor, Options.DriftFactor,
                $"NetTricks: the scale (RMS) of the pre-activations of '{entry.Name}' has {direction} from {Format(baseline)} at its first check to {Format(rms)} "
                + $"at step {Format(StepCount)} (×{Format(factor)}; threshold ×{Format(Options.DriftFactor)} either way): the activations are drifting out of "
                + "the activation's useful range. Usual causes: a too-large learning rate, no normalisation, weights growing without weight decay."));
        }
    }

    private void CheckIdentical(Entry entry, double inGroup, double largest)
    {
        double fraction = inGroup / entry.Count;
        if (fraction >= Options.IdenticalNeuronFraction)
        {
            string what = largest == 0 ? " (all its weights are zero)" : "";
            Record(new TrainingFinding(FindingKind.IdenticalNeurons, entry.Name, StepCount, fraction, Options.IdenticalNeuronFraction,
                $"NetTricks: {Format(inGroup)} of the {Format(entry.Count)} neurons of '{entry.Name}' have the same weights as another neuron{what} at step {Format(StepCount)} "
                + $"(threshold {Percent(Options.IdenticalNeuronFraction)}). Identical neurons compute the same function and get the same gradient, so the layer "
                + "works like a single neuron (broken symmetry). Initialise with Init.ForActivations instead of a constant."));
        }
    }

    private void CheckGradientRatio(List<(string Layer, double Norm)> norms)
    {
        if (norms.Count < 2)
        {
            return;
        }
        var (firstLayer, first) = norms[0];
        var (lastLayer, last) = norms[^1];
        if (!(last > 0) || !double.IsFinite(first) || !double.IsFinite(last))
        {
            return; // no gradient reaches the last layer (or it is non-finite): the ratio says nothing
        }
        double ratio = first / last;
        if (ratio < Options.VanishingGradientRatio)
        {
            Record(new TrainingFinding(FindingKind.VanishingGradients, firstLayer, StepCount, ratio, Options.VanishingGradientRatio,
                $"NetTricks: the weight gradient norm of the first layer '{firstLayer}' ({Format(first)}) is {Format(ratio)} times that of the last layer "
                + $"'{lastLayer}' ({Format(last)}) at step {Format(StepCount)} (vanishing gradients; threshold {Format(Options.VanishingGradientRatio)}). "
                + "The early layers barely learn. Usual causes: saturated sigmoid/tanh, dead ReLUs, too deep a stack without normalisation or residual connections."));
        }
        else if (ratio > Options.ExplodingGradientRatio)
        {
            Record(new TrainingFinding(FindingKind.ExplodingGradients, firstLayer, StepCount, ratio, Options.ExplodingGradientRatio,
                $"NetTricks: the weight gradient norm of the first layer '{firstLayer}' ({Format(first)}) is {Format(ratio)} times that of the last layer "
                + $"'{lastLayer}' ({Format(last)}) at step {Format(StepCount)} (exploding gradients; threshold {Format(Options.ExplodingGradientRatio)}). "
                + "Usual causes: weights initialised too large, unnormalised inputs, a too-large learning rate."));
        }
    }

    // The first tensor of the step (input, then outputs in completion order) with a non-finite element is the
    // culprit: everything before it was finite. Nothing found means a float32 sum overflowed: all finite.
    private void LocateNonFinite()
    {
        foreach (var entry in outputs)
        {
            if (FirstNonFinite(entry.Tensor!) is { } bad)
            {
                ReportNonFinite(entry, bad.Index, bad.Value);
                return;
            }
        }
    }

    private void ReportNonFinite(Entry entry, long[] index, double value)
    {
        string where = entry.Location == NonFiniteLocation.Input
            ? $"NetTricks: the input batch contains {Format(value)} at index [{string.Join(", ", index)}] at step {Format(StepCount)}: bad data "
              + "(missing values, a division by a zero standard deviation when normalising)."
            : !ReferenceEquals(entry.Slot?.Info.Module, Inner)
                ? $"NetTricks: the output of layer '{entry.Name}' contains {Format(value)} at index [{string.Join(", ", index)}] at step {Format(StepCount)}; "
                  + "it is the first non-finite output of the forward pass, so this layer produced it from finite inputs. Usual causes: log or division "
                  + "near zero, sqrt of a negative value, exp overflow, a learning rate so large the weights overflowed."
                : $"NetTricks: the output of the model '{entry.Name}' contains {Format(value)} at index [{string.Join(", ", index)}] at step {Format(StepCount)}, "
                  + "but no observed layer output was non-finite: it comes from the model's forward body (functional operations) or from a layer "
                  + "called with forward(), which cannot be observed (call layers with call(), or build the model with CheckedSequential).";
        var finding = new TrainingFinding(FindingKind.NonFinite, entry.Name, StepCount, value, double.NaN, where);
        Record(finding);
        if (Options.ThrowOnNonFinite)
        {
            throw new NonFiniteValueException(finding, entry.Location, index);
        }
    }

    private void ReportNonFiniteGradient()
    {
        // Rare path: look at every gradient. Parameters come in forward (registration) order; the last one with a
        // non-finite gradient is the one nearest to where NaN/infinity entered the backward pass.
        var bad = new List<string>();
        (string Name, long[] Index, double Value)? nearest = null;
        foreach (var info in Parameters())
        {
            using var gradient = info.Parameter.grad;
            if (gradient is not null && info.Floating && !gradient.is_sparse && FirstNonFinite(gradient) is { } found)
            {
                bad.Add(info.Name);
                nearest = (info.Name, found.Index, found.Value);
            }
        }
        if (nearest is not { } culprit)
        {
            return; // a float32 sum overflowed: every gradient is finite
        }
        var finding = new TrainingFinding(FindingKind.NonFinite, culprit.Name, StepCount, culprit.Value, double.NaN,
            $"NetTricks: the gradient of '{culprit.Name}' contains {Format(culprit.Value)} at index [{string.Join(", ", culprit.Index)}] at step {Format(StepCount)} "
            + $"(non-finite gradients: {string.Join(", ", bad)}). The outputs were finite, so it arose in backward at or after '{culprit.Name}': "
            + "sqrt or log near zero, division by a tiny value, an overflowing loss. Do not take the optimizer step.");
        Record(finding);
        if (Options.ThrowOnNonFinite)
        {
            throw new NonFiniteValueException(finding, NonFiniteLocation.Gradient, culprit.Index);
        }
    }

    private static (long[] Index, double Value)? FirstNonFinite(torch.Tensor tensor)
    {
        if (tensor.IsInvalid)
        {
            return null;
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var flat = tensor.detach().flatten();
        var bad = flat.isfinite().logical_not().nonzero();
        if (bad.shape[0] == 0)
        {
            return null; // the float32 sum overflowed; every element is finite
        }
        long position = bad[0, 0].item<long>();
        double value = flat[position].to_type(torch.ScalarType.Float64).item<double>();
        var shape = tensor.shape;
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = position % shape[d];
            position /= shape[d];
        }
        return (index, value);
    }

    private void Record(TrainingFinding finding)
    {
        if (findings.Count < Options.MaxFindings)
        {
            findings.Add(finding);
        }
        else
        {
            dropped++;
        }
        if (logged.Add((finding.Kind, finding.Layer)))
        {
            Options.Log?.WriteLine(finding.ToString());
        }
        Options.OnFinding?.Invoke(finding);
    }

    private void Release(torch.Tensor? keep1, torch.Tensor? keep2)
    {
        foreach (var tensor in owned)
        {
            if (!ReferenceEquals(tensor, keep1) && !ReferenceEquals(tensor, keep2))
            {
                tensor.Dispose();
            }
        }
        foreach (var scalar in scalars)
        {
            scalar.Dispose();
        }
        owned.Clear();
        scalars.Clear();
        entries.Clear();
        outputs.Clear();
    }

    private static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Infinity" : "-Infinity";
        }
        return value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private readonly record struct ParameterInfo(string Name, Parameter Parameter, bool Floating, bool EveryStep);

    private readonly record struct Entry(EntryKind Kind, string Name, torch.Tensor? Tensor, long Count)
    {
        public NonFiniteLocation Location { get; init; }

        public CheckedLayerSlot? Slot { get; init; }

        public int Call { get; init; }

        public double Bound { get; init; }
    }
}
