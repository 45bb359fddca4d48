using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// "Can this model drive the training loss of one or two small batches near zero?" Trains on the same few
/// samples over and over and says why, when it cannot. A model that cannot memorise 10–50 samples has a bug
/// (a cut gradient path, a wrong loss, mismatched inputs and targets) long before it has a capacity problem.
/// </summary>
/// <remarks>
/// <para>Each step trains on the next batch in turn (zero_grad, loss, backward, <c>optimizer.step()</c>) with the
/// optimizer's own settings. After every pass through the batches the mean loss of the pass is compared with the
/// first pass: at or below <see cref="OverfitProbeOptions.TargetRatio"/> of it (or
/// <see cref="OverfitProbeOptions.AbsoluteTarget"/>) is success. The probe stops early at a NaN or infinite loss,
/// a loss above <see cref="OverfitProbeOptions.DivergenceFactor"/> times the first pass, a loss that does not
/// require a gradient, or a plateau. It records, per parameter, whether any step gave it a non-zero gradient.</para>
/// <para>The model trains in training mode (dropout on: turn it off if it keeps the loss from reaching the target),
/// on copies of the batches. Its state dict, training flag and the optimizer's state are restored afterwards, also
/// when the loss function throws, and gradients are cleared: the probe leaves no trace on the model.</para>
/// </remarks>
public static class OverfitProbe
{
    /// <summary>Runs the probe on one batch.</summary>
    /// <param name="model">The model; its state is restored afterwards.</param>
    /// <param name="optimizer">An optimizer over the model's parameters, with the learning rate to test; its state is restored afterwards.</param>
    /// <param name="loss">Computes the scalar loss of one batch with the model.</param>
    /// <param name="input">The inputs of the batch to memorise (copied).</param>
    /// <param name="target">The targets of the batch (copied).</param>
    /// <param name="options">Settings; <c>null</c> for the defaults.</param>
    /// <returns>Success or the diagnosis, with the loss curve.</returns>
    public static OverfitProbeResult Run(
        torch.nn.Module model,
        torch.optim.Optimizer optimizer,
        Func<torch.Tensor, torch.Tensor, torch.Tensor> loss,
        torch.Tensor input,
        torch.Tensor target,
        OverfitProbeOptions? options = null)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }
        return Run(model, optimizer, loss, new[] { (input, target) }, options);
    }

    /// <summary>Runs the probe on a few batches (one or two small ones is the usual test).</summary>
    /// <param name="model">The model; its state is restored afterwards.</param>
    /// <param name="optimizer">An optimizer over the model's parameters (any torch.optim optimizer except LBFGS), with the learning
    /// rate to test; its state is restored afterwards.</param>
    /// <param name="loss">Computes the scalar loss of one batch with the model, e.g.
    /// <c>(x, y) =&gt; nn.functional.cross_entropy(model.call(x), y)</c>.</param>
    /// <param name="batches">The batches to memorise; enumerated once and copied.</param>
    /// <param name="options">Settings; <c>null</c> for the defaults.</param>
    /// <returns>Success or the diagnosis, with the loss curve.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="batches"/> is empty, or the model has no trainable parameter.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The optimizer's state cannot be saved (LBFGS).</exception>
    /// <exception cref="InvalidOperationException">The loss function does not return a single value.</exception>
    public static OverfitProbeResult Run(
        torch.nn.Module model,
        torch.optim.Optimizer optimizer,
        Func<torch.Tensor, torch.Tensor, torch.Tensor> loss,
        IEnumerable<(torch.Tensor Input, torch.Tensor Target)> batches,
        OverfitProbeOptions? options = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        if (optimizer is null)
        {
            throw new ArgumentNullException(nameof(optimizer));
        }
        if (loss is null)
        {
            throw new ArgumentNullException(nameof(loss));
        }
        if (batches is null)
        {
            throw new ArgumentNullException(nameof(batches));
        }
        var settings = options ?? new OverfitProbeOptions();
        settings.Validate();
        var parameters = model.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        if (parameters.Length == 0)
        {
            throw new ArgumentException("The model has no parameter that requires a gradient, so there is nothing to train.", nameof(model));
        }

        var copies = CopyBatches(batches);
        try
        {
            if (copies.Count == 0)
            {
                throw new ArgumentException("batches is empty: the probe needs at least one (input, target) batch.", nameof(batches));
            }
            using var start = ProbeTrainingState.Capture(model, optimizer);
            try
            {
                model.train();
                return Train(optimizer, loss, copies, parameters, settings);
            }
            finally
            {
                start.Restore();
            }
        }
        finally
        {
            foreach (var (input, target) in copies)
            {
                input.Dispose();
                target.Dispose();
            }
        }
    }

    // Batches may come from an enumerator that frees them on the next step (MiniBatch, DataLoader): keep copies.
    private static List<(torch.Tensor Input, torch.Tensor Target)> CopyBatches(IEnumerable<(torch.Tensor Input, torch.Tensor Target)> batches)
    {
        var copies = new List<(torch.Tensor, torch.Tensor)>();
        try
        {
            foreach (var (input, target) in batches)
            {
                using (torch.NewDisposeScope())
                {
                    copies.Add((input.detach().clone().DetachFromDisposeScope(), target.detach().clone().DetachFromDisposeScope()));
                }
            }
        }
        catch
        {
            foreach (var (input, target) in copies)
            {
                input.Dispose();
                target.Dispose();
            }
            throw;
        }
        return copies;
    }

    private static OverfitProbeResult Train(
        torch.optim.Optimizer optimizer,
        Func<torch.Tensor, torch.Tensor, torch.Tensor> loss,
        List<(torch.Tensor Input, torch.Tensor Target)> batches,
        (string Name, TorchSharp.Modules.Parameter Parameter)[] parameters,
        OverfitProbeOptions settings)
    {
        var losses = new List<double>();
        var reached = new bool[parameters.Length];
        double initial = double.NaN;
        double final = double.NaN;
        double best = double.PositiveInfinity;
        int lastProgress = 0;
        double passSum = 0;
        int steps = 0;
        OverfitProbeDiagnosis? outcome = null;
        bool detached = false;

        for (int step = 0; step < settings.MaxSteps && outcome is null; step++)
        {
            var (input, target) = batches[step % batches.Count];
            double value;
            using (torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                var lossTensor = ProbeStep.ComputeLoss(loss, input, target);
                value = ProbeStep.Value(lossTensor);
                losses.Add(value);
                if (!double.IsFinite(value))
                {
                    outcome = OverfitProbeDiagnosis.NonFiniteLoss;
                    break;
                }
                if (!lossTensor.requires_grad)
                {
                    detached = true;
                    outcome = OverfitProbeDiagnosis.NoGradient;
                    break;
                }
                lossTensor.backward();
                MarkGradients(parameters, reached);
                optimizer.step();
                steps++;
            }

            passSum += value;
            if ((step + 1) % batches.Count != 0)
            {
                continue;
            }
            double pass = passSum / batches.Count;
            passSum = 0;
            final = pass;
            if (double.IsNaN(initial))
            {
                initial = pass;
                best = pass;
                lastProgress = step + 1;
            }
            if (pass <= Math.Max(settings.TargetRatio * initial, settings.AbsoluteTarget))
            {
                outcome = OverfitProbeDiagnosis.None;
            }
            else if (pass > settings.DivergenceFactor * initial)
            {
                outcome = OverfitProbeDiagnosis.Diverged;
            }
            else if (pass < best * (1 - settings.PlateauImprovement))
            {
                best = pass;
                lastProgress = step + 1;
            }
            else if (step + 1 - lastProgress >= settings.PlateauSteps)
            {
                outcome = OverfitProbeDiagnosis.Plateaued;
            }
        }

        if (double.IsNaN(initial))
        {
            initial = losses[0]; // stopped within the first pass
        }
        if (double.IsNaN(final) || !double.IsFinite(losses[^1]))
        {
            final = losses[^1];
        }
        var cutOff = parameters.Where((p, i) => !reached[i]).Select(p => p.Name).ToArray();
        // A loss that never moved because no gradient arrived is a gradient problem, not a capacity problem.
        if (outcome is not OverfitProbeDiagnosis.None and not OverfitProbeDiagnosis.NonFiniteLoss && cutOff.Length == parameters.Length)
        {
            outcome = OverfitProbeDiagnosis.NoGradient;
        }
        var diagnosis = outcome ?? OverfitProbeDiagnosis.TooSlow;
        return new OverfitProbeResult(
            diagnosis, Explain(diagnosis, detached, steps, initial, final, best, losses.Count, cutOff, parameters.Length, settings),
            steps, initial, final, losses, cutOff);
    }

    private static void MarkGradients((string Name, TorchSharp.Modules.Parameter Parameter)[] parameters, bool[] reached)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!reached[i])
            {
                var grad = parameters[i].Parameter.grad;
                reached[i] = grad is not null && grad.count_nonzero().item<long>() > 0;
            }
        }
    }

    private static string Explain(
        OverfitProbeDiagnosis diagnosis, bool detached, int steps, double initial, double final, double best, int lossCount,
        string[] cutOff, int parameterCount, OverfitProbeOptions settings)
    {
        string fromTo = $"loss {ProbeStep.Format(initial)} -> {ProbeStep.Format(final)}";
        string ratio = double.IsFinite(final) && initial != 0 ? $" ({ProbeStep.Percent(final / initial)} of initial)" : "";
        string message = diagnosis switch
        {
            OverfitProbeDiagnosis.None =>
                $"{fromTo}{ratio} in {steps} steps: the model can fit these samples.",
            OverfitProbeDiagnosis.NoGradient when detached =>
                "no gradient reaches the parameters: the loss does not require a gradient, so the output is cut off from every parameter " +
                "(a detach(), a no_grad() block, a tensor rebuilt from values, or a non-differentiable op such as argmax or round in forward).",
            OverfitProbeDiagnosis.NoGradient =>
                $"no gradient reaches the parameters: in {steps} steps every parameter's gradient stayed missing or zero ({fromTo}). " +
                "Look for a detach() or no_grad() on the path, an output multiplied by zero, or dead units (every ReLU off).",
            OverfitProbeDiagnosis.NonFiniteLoss when lossCount == 1 =>
                $"loss is {ProbeStep.Format(final)} at the first step, before any update: forward or the loss produces it on these samples " +
                "(log of 0 or of a negative value, division by zero, an overflow, or NaN in the data).",
            OverfitProbeDiagnosis.NonFiniteLoss =>
                $"loss is {ProbeStep.Format(final)} at step {lossCount - 1} (initial {ProbeStep.Format(initial)}): lower the learning rate, " +
                "or look for log(0), division by zero or an overflow in forward or the loss.",
            OverfitProbeDiagnosis.Diverged =>
                $"{fromTo}: the loss grew past {settings.DivergenceFactor} times its initial value; the learning rate is too high.",
            OverfitProbeDiagnosis.Plateaued =>
                $"loss plateaued at {ProbeStep.Format(best)} ({ProbeStep.Percent(best / initial)} of initial, target {ProbeStep.Percent(settings.TargetRatio)}); " +
                $"no {ProbeStep.Percent(settings.PlateauImprovement)} improvement in {settings.PlateauSteps} steps. The model may be too small or too " +
                "regularised for these samples, the learning rate too low, the loss wrong for the targets, or inputs and targets mismatched.",
            _ =>
                $"{fromTo}{ratio} after {steps} steps, still falling: allow more steps (MaxSteps) or raise the learning rate.",
        };
        if (cutOff.Length > 0 && cutOff.Length < parameterCount)
        {
            message += $" No gradient reached {cutOff.Length} of {parameterCount} parameters: {string.Join(", ", cutOff)}.";
        }
        return message;
    }
}
