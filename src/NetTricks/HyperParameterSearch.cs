using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace NetTricks;

/// <summary>
/// Random hyper-parameter search: draws every trial's values independently from a <see cref="HyperParameterSpace"/>
/// and scores them with your objective (train, then return the validation metric). With a few important parameters
/// among many, random search covers each one's range far better than a grid of the same size (Bergstra and Bengio,
/// 2012).
/// </summary>
/// <remarks>
/// Reproducible: the same space, trial count and seed give the same values, in the same order, on every run and
/// platform (<see cref="System.Random"/> with an explicit seed). Each trial also gets its own
/// <see cref="HyperParameters.Seed"/> for the randomness inside the objective. Trials run one after another on the
/// calling thread. An exception in the objective stops the search; return NaN from the objective to record a failed
/// trial (a diverged run) and go on.
/// </remarks>
public static class HyperParameterSearch
{
    /// <summary>Runs <paramref name="trials"/> random trials.</summary>
    /// <param name="space">The ranges to sample.</param>
    /// <param name="objective">Scores one set of values, e.g. trains a model and returns its validation loss. NaN or infinity marks a failed trial.</param>
    /// <param name="trials">How many trials (at least 1).</param>
    /// <param name="seed">Seed of the sampling.</param>
    /// <param name="goal">Whether smaller (default) or larger scores are better.</param>
    /// <param name="onTrial">Called after every trial (progress reporting), or <c>null</c>.</param>
    /// <returns>Every trial, sorted best first, and the best one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> or <paramref name="objective"/> is null.</exception>
    /// <exception cref="ArgumentException">The space has no parameter.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trials"/> is below 1, or <paramref name="goal"/> is unknown.</exception>
    public static HyperParameterSearchResult Random(
        HyperParameterSpace space,
        Func<HyperParameters, double> objective,
        int trials,
        int seed = 0,
        HyperParameterGoal goal = HyperParameterGoal.Minimize,
        Action<HyperParameterTrial>? onTrial = null)
    {
        if (space is null)
        {
            throw new ArgumentNullException(nameof(space));
        }
        if (objective is null)
        {
            throw new ArgumentNullException(nameof(objective));
        }
        if (space.Names.Count == 0)
        {
            throw new ArgumentException("The space has no hyper-parameter to search; add ranges with Uniform, LogUniform, Integer or Choice.", nameof(space));
        }
        if (trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, $"trials must be at least 1, but was {trials}.");
        }
        if (goal != HyperParameterGoal.Minimize && goal != HyperParameterGoal.Maximize)
        {
            throw new ArgumentOutOfRangeException(nameof(goal), goal, $"goal must be Minimize or Maximize, but was {goal}.");
        }

        var random = new Random(seed);
        var results = new List<HyperParameterTrial>(trials);
        for (int i = 0; i < trials; i++)
        {
            // The trial seed is drawn before the values, so every trial's values and seed depend only on (seed, i).
            int trialSeed = random.Next();
            var parameters = space.Sample(random, i, trialSeed);
            var watch = Stopwatch.StartNew();
            double score = objective(parameters);
            var trial = new HyperParameterTrial(i, parameters, score, watch.Elapsed);
            results.Add(trial);
            onTrial?.Invoke(trial);
        }
        return new HyperParameterSearchResult(goal, results);
    }
}
