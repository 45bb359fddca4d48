using System;
using System.Collections.Generic;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// The learning-rate range test: trains with a learning rate that grows geometrically every step and finds the
/// largest rate that does not blow the loss up. The model and the optimizer are put back as they were afterwards.
/// </summary>
/// <remarks>
/// <para><b>Sweep.</b> Step <c>i</c> of <c>N</c> trains with rate <c>start · (end/start)^(i/(N-1))</c>, set on every
/// parameter group of the optimizer (groups keep their ratios to the first group). The loss of each step is smoothed
/// with a bias-corrected exponential moving average. The sweep has diverged, and stops, at the first NaN or infinite
/// loss, or when the smoothed loss exceeds <see cref="LearningRateRangeOptions.DivergenceFactor"/> times the lower of
/// the first loss and the best smoothed loss; the first <see cref="LearningRateRangeOptions.IgnoreFirstSteps"/> steps
/// set no best loss and the average starts afresh after them, so one noisy early batch cannot trigger it.</para>
/// <para><b>Check.</b> The rate of the last step before the divergence (<see cref="LearningRateRangeResult.SweepStableRate"/>)
/// is usually too high. By the time the sweep reaches the rate where a direction of the loss surface becomes
/// unstable, the smaller rates before it have damped that direction to almost nothing, so it takes many more steps,
/// at ever larger rates, before its growth shows in the loss. (Full-batch gradient descent on least-squares problems,
/// 100 steps from 1e-4 to 10: the smoothed loss is lowest at 4 to 5 times the stability limit 2/λmax and the sweep
/// diverges at about 5 times.) So when the sweep diverged, candidate rates are checked by training from the starting
/// state at a constant rate for <see cref="LearningRateRangeOptions.VerificationSteps"/> steps with the same
/// divergence rule: the sweep's estimate first, halving until a rate is stable, then bisecting (in log scale) between
/// the stable and the unstable rate down to <see cref="LearningRateRangeOptions.VerificationPrecision"/>. A rate just
/// above the true limit can pass when its growth is too slow to show within one check (on those problems the result
/// lands between 0.9 and 1.05 times 2/λmax). Each check costs VerificationSteps training steps; typically 3 to 8 checks
/// run. Set VerificationSteps to 0 to skip them.</para>
/// <para><b>Suggestion.</b> <see cref="LearningRateRangeResult.SuggestedRate"/> is the largest stable rate divided by
/// <see cref="LearningRateRangeOptions.SuggestionDivisor"/> (10): a rate one order of magnitude below divergence trains
/// well for most models and does not depend on the noisy shape of the curve. The steepest-descent point of the smoothed
/// curve (<see cref="LearningRateRangeResult.SteepestRate"/>), the other common choice, is reported alongside.</para>
/// <para><b>State.</b> Before the sweep the model's state dict (parameters and buffers) is deep-copied and the
/// optimizer's state (rates, momentum buffers, moment estimates, step counts) saved; both are restored afterwards,
/// also when the loss function throws, and gradients are cleared. The model trains in training mode and gets its
/// previous mode back. Random number generators are not restored: the test draws from them like training does.</para>
/// </remarks>
public static class LearningRateRangeTest
{
    /// <summary>Runs the test with ordinary training steps on <paramref name="batches"/>.</summary>
    /// <param name="model">The model; its state is restored afterwards.</param>
    /// <param name="optimizer">An optimizer over the model's parameters (any torch.optim optimizer except LBFGS); its learning rate is
    /// overwritten during the test and restored afterwards.</param>
    /// <param name="loss">Computes the scalar loss of one batch with the model, e.g.
    /// <c>(x, y) =&gt; nn.functional.cross_entropy(model.call(x), y)</c>.</param>
    /// <param name="batches">Training batches, used in order and enumerated again when they run out (one batch per step),
    /// e.g. <see cref="MiniBatch.Shuffled(torch.Tensor, torch.Tensor, int, bool, torch.Generator?)"/>.</param>
    /// <param name="options">Settings; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="batches"/> is empty or the optimizer has no parameter groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The optimizer's state cannot be saved (LBFGS).</exception>
    /// <exception cref="InvalidOperationException">The loss is not a single value, or does not require a gradient.</exception>
    public static LearningRateRangeResult Run(
        torch.nn.Module model,
        torch.optim.Optimizer optimizer,
        Func<torch.Tensor, torch.Tensor, torch.Tensor> loss,
        IEnumerable<(torch.Tensor Input, torch.Tensor Target)> batches,
        LearningRateRangeOptions? options = null)
    {
        if (loss is null)
        {
            throw new ArgumentNullException(nameof(loss));
        }
        using var cycle = new ProbeBatchCycle(batches, nameof(batches));
        // The batch is fetched outside the step's dispose scope, as in an ordinary foreach loop, so enumerators that
        // own their batches (MiniBatch, DataLoader) keep control of them.
        return RunCore(model, optimizer, () => ProbeStep.Train(optimizer, loss, cycle.Next()), options);
    }

    /// <summary>Runs the test with a training step of your own.</summary>
    /// <param name="model">The model trained by <paramref name="trainStep"/>; its state is restored afterwards.</param>
    /// <param name="optimizer">The optimizer <paramref name="trainStep"/> steps; the test sets its learning rate before every call.</param>
    /// <param name="trainStep">One complete training step on the next batch (zero_grad, forward, loss, backward,
    /// <c>optimizer.step()</c>) returning the loss before the update. Runs inside a dispose scope.</param>
    /// <param name="options">Settings; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The optimizer has no parameter groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The optimizer's state cannot be saved (LBFGS).</exception>
    public static LearningRateRangeResult Run(
        torch.nn.Module model,
        torch.optim.Optimizer optimizer,
        Func<double> trainStep,
        LearningRateRangeOptions? options = null)
    {
        if (trainStep is null)
        {
            throw new ArgumentNullException(nameof(trainStep));
        }
        return RunCore(model, optimizer, () =>
        {
            using (torch.NewDisposeScope())
            {
                return trainStep();
            }
        }, options);
    }

    private static LearningRateRangeResult RunCore(
        torch.nn.Module model, torch.optim.Optimizer optimizer, Func<double> step, LearningRateRangeOptions? options)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        if (optimizer is null)
        {
            throw new ArgumentNullException(nameof(optimizer));
        }
        var settings = options ?? new LearningRateRangeOptions();
        settings.Validate();
        var (groups, ratios) = ProbeStep.Groups(optimizer, nameof(optimizer));

        using var start = ProbeTrainingState.Capture(model, optimizer);
        try
        {
            model.train();
            var curve = Sweep(settings, groups, ratios, step, out int? divergenceStep);
            int lastStable = (divergenceStep ?? curve.Count) - 1;
            double? sweepStable = lastStable >= 0 ? curve[lastStable].LearningRate : null;

            var checks = new List<LearningRateCheck>();
            double? largestStable = sweepStable;
            if (divergenceStep is int diverged && sweepStable is double estimate && settings.VerificationSteps > 0)
            {
                bool Check(double rate)
                {
                    start.Restore();
                    model.train();
                    var check = RunConstant(settings, groups, ratios, step, rate);
                    checks.Add(check);
                    return check.Stable;
                }
                largestStable = Verify(settings, estimate, curve[diverged].LearningRate, Check);
            }

            return new LearningRateRangeResult(
                settings, curve, divergenceStep, sweepStable,
                MinimumLossRate(curve, lastStable, settings.IgnoreFirstSteps),
                SteepestRate(curve, lastStable, settings),
                checks, largestStable, largestStable / settings.SuggestionDivisor);
        }
        finally
        {
            start.Restore();
        }
    }

    private static List<LearningRatePoint> Sweep(
        LearningRateRangeOptions settings, torch.optim.ILearningRateController[] groups, double[] ratios,
        Func<double> step, out int? divergenceStep)
    {
        var tracker = new ProbeDivergenceTracker(settings.Smoothing, settings.DivergenceFactor, settings.IgnoreFirstSteps);
        var curve = new List<LearningRatePoint>(settings.Steps);
        double logRatio = Math.Log(settings.EndLearningRate / settings.StartLearningRate);
        divergenceStep = null;
        for (int i = 0; i < settings.Steps; i++)
        {
            double rate = i == settings.Steps - 1
                ? settings.EndLearningRate
                : settings.StartLearningRate * Math.Exp(logRatio * i / (settings.Steps - 1));
            ProbeStep.SetLearningRate(groups, ratios, rate);
            double loss = step();
            bool diverged = tracker.Add(loss);
            curve.Add(new LearningRatePoint(i, rate, loss, tracker.Smoothed));
            if (diverged)
            {
                divergenceStep = i;
                break;
            }
        }
        return curve;
    }

    private static LearningRateCheck RunConstant(
        LearningRateRangeOptions settings, torch.optim.ILearningRateController[] groups, double[] ratios, Func<double> step, double rate)
    {
        var tracker = new ProbeDivergenceTracker(settings.Smoothing, settings.DivergenceFactor, settings.IgnoreFirstSteps);
        ProbeStep.SetLearningRate(groups, ratios, rate);
        for (int i = 1; i <= settings.VerificationSteps; i++)
        {
            if (tracker.Add(step()))
            {
                return new LearningRateCheck(rate, Stable: false, i, tracker.Smoothed);
            }
        }
        return new LearningRateCheck(rate, Stable: true, settings.VerificationSteps, tracker.Smoothed);
    }

    // Largest rate that passes the check, between the start rate and the rate where the sweep diverged:
    // the estimate, then halving until stable, then bisection in log scale.
    private static double? Verify(LearningRateRangeOptions settings, double estimate, double divergedRate, Func<double, bool> check)
    {
        double unstable = divergedRate;
        double candidate = estimate;
        while (!check(candidate))
        {
            unstable = candidate;
            if (candidate <= settings.StartLearningRate)
            {
                return null;
            }
            candidate = Math.Max(candidate / 2, settings.StartLearningRate);
        }
        double stable = candidate;
        while (unstable / stable > settings.VerificationPrecision)
        {
            double middle = Math.Sqrt(stable * unstable);
            if (check(middle))
            {
                stable = middle;
            }
            else
            {
                unstable = middle;
            }
        }
        return stable;
    }

    private static double? MinimumLossRate(List<LearningRatePoint> curve, int lastStable, int ignoreFirst)
    {
        if (lastStable < 0)
        {
            return null;
        }
        int from = ignoreFirst <= lastStable ? ignoreFirst : 0;
        int best = from;
        for (int i = from + 1; i <= lastStable; i++)
        {
            if (curve[i].SmoothedLoss < curve[best].SmoothedLoss)
            {
                best = i;
            }
        }
        return curve[best].LearningRate;
    }

    private static double? SteepestRate(List<LearningRatePoint> curve, int lastStable, LearningRateRangeOptions settings)
    {
        // The average restarts after the ignored steps and is as noisy as a handful of batches until it has seen
        // about 1/(1 - Smoothing) of them: its early wiggles would pass for the steepest descent.
        int from = Math.Max(settings.IgnoreFirstSteps + (int)Math.Ceiling(1 / (1 - settings.Smoothing)), 1);
        double steepest = 0;
        double? rate = null;
        for (int i = from; i < lastStable; i++)
        {
            // Central difference against log(rate): the sweep is geometric, so this is a slope per decade up to a constant.
            double slope = (curve[i + 1].SmoothedLoss - curve[i - 1].SmoothedLoss)
                / Math.Log(curve[i + 1].LearningRate / curve[i - 1].LearningRate);
            if (slope < steepest)
            {
                steepest = slope;
                rate = curve[i].LearningRate;
            }
        }
        return rate;
    }
}
