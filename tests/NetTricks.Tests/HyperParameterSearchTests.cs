using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetTricks.Tests;

public sealed class HyperParameterSearchTests
{
    private readonly ITestOutputHelper output;

    public HyperParameterSearchTests(ITestOutputHelper output) => this.output = output;

    private static List<HyperParameters> Samples(HyperParameterSpace space, int count, int seed = 1) =>
        HyperParameterSearch.Random(space, _ => 0, count, seed).InRunOrder.Select(t => t.Parameters).ToList();

    [Fact]
    public void Log_uniform_samples_spread_evenly_across_decades_where_uniform_ones_crowd_the_top_decade()
    {
        var samples = Samples(new HyperParameterSpace().LogUniform("lr", 1e-5, 1e-1).Uniform("plain", 1e-5, 1e-1), 4000);
        var rates = samples.Select(p => p.GetDouble("lr")).ToArray();
        var plain = samples.Select(p => p.GetDouble("plain")).ToArray();

        Assert.All(rates, r => Assert.InRange(r, 1e-5, 1e-1));
        var perDecade = rates.GroupBy(r => (int)Math.Floor(Math.Log10(r))).OrderBy(g => g.Key).Select(g => (g.Key, Count: g.Count())).ToArray();
        Assert.Equal(new[] { -5, -4, -3, -2 }, perDecade.Select(d => d.Key));
        Assert.All(perDecade, d => Assert.InRange(d.Count, 880, 1120)); // 1000 expected per decade; sd about 27
        Assert.True(plain.Count(v => v >= 1e-2) > 0.85 * plain.Length);
    }

    [Fact]
    public void Integer_ranges_include_both_ends_and_choices_reach_every_option()
    {
        var samples = Samples(new HyperParameterSpace()
            .Integer("layers", 1, 4)
            .Integer("hidden", 8, 512, logScale: true)
            .Choice("activation", "relu", "tanh", "gelu"), 2000);

        Assert.Equal(new[] { 1, 2, 3, 4 }, samples.Select(p => p.GetInt("layers")).Distinct().OrderBy(v => v));
        Assert.Equal(new[] { "gelu", "relu", "tanh" }, samples.Select(p => p.Get<string>("activation")).Distinct().OrderBy(v => v));
        var hidden = samples.Select(p => p.GetInt("hidden")).ToArray();
        Assert.All(hidden, h => Assert.InRange(h, 8, 512));
        // Log scale: [8, 64) and [64, 512] are each half of the log range.
        Assert.InRange(hidden.Count(h => h < 64), 900, 1100);
        Assert.Equal(samples[0].GetInt("layers"), samples[0].GetDouble("layers")); // ints convert to double
        Assert.Throws<InvalidCastException>(() => samples[0].GetInt("activation"));
    }

    [Fact]
    public void Same_seed_gives_the_same_trials_and_another_seed_different_ones()
    {
        var space = new HyperParameterSpace().LogUniform("lr", 1e-4, 1).Integer("batch", 8, 128).Choice("optimizer", "sgd", "adam");
        static string Run(HyperParameterSpace space, int seed) => string.Join("\n",
            HyperParameterSearch.Random(space, p => p.GetDouble("lr") * p.GetInt("batch"), 20, seed).InRunOrder
                .Select(t => $"{t.Parameters.Seed} {t.Parameters} {t.Score:R}"));

        Assert.Equal(Run(space, 42), Run(space, 42));
        Assert.NotEqual(Run(space, 42), Run(space, 43));
        var trialSeeds = HyperParameterSearch.Random(space, _ => 0, 20, 42).InRunOrder.Select(t => t.Parameters.Seed).ToArray();
        Assert.Equal(20, trialSeeds.Distinct().Count());
    }

    [Fact]
    public void Finds_the_optimum_of_a_cheap_objective_far_better_than_a_fixed_baseline()
    {
        // Minimum 0 at lr = 10^-2.5, hidden = 48, tanh, dropout = 0.2.
        static double Objective(double lr, int hidden, string activation, double dropout) =>
            Math.Pow(Math.Log10(lr) + 2.5, 2) + Math.Pow((hidden - 48) / 32.0, 2) + (activation == "tanh" ? 0 : 0.3) + 4 * Math.Pow(dropout - 0.2, 2);
        var space = new HyperParameterSpace()
            .LogUniform("lr", 1e-5, 1)
            .Integer("hidden", 8, 256, logScale: true)
            .Choice("activation", "relu", "tanh")
            .Uniform("dropout", 0, 0.5);
        double baseline = Objective(0.1, 16, "relu", 0.5); // a typical untuned default

        var result = HyperParameterSearch.Random(space,
            p => Objective(p.GetDouble("lr"), p.GetInt("hidden"), p.Get<string>("activation"), p.GetDouble("dropout")), 60, seed: 7);

        output.WriteLine($"baseline {baseline:G4}");
        output.WriteLine(result.Report(5));
        var best = result.Best!;
        Assert.Same(result.Trials[0], best);
        Assert.True(best.Score < 0.15 * baseline, $"best {best.Score:G4}, baseline {baseline:G4}");
        Assert.InRange(Math.Log10(best.Parameters.GetDouble("lr")), -3.5, -1.5);
        Assert.Equal(60, result.Trials.Count);
        Assert.Equal(result.Trials.Select(t => t.Score).OrderBy(s => s), result.Trials.Select(t => t.Score));
    }

    [Fact]
    public void Failed_trials_rank_last_and_maximize_ranks_the_largest_first()
    {
        var space = new HyperParameterSpace().Uniform("x", 0, 1);

        var result = HyperParameterSearch.Random(space, p => p.Trial % 3 == 0 ? double.NaN : p.GetDouble("x"), 9, goal: HyperParameterGoal.Maximize);

        Assert.Equal(6, result.Trials.Count(t => t.Succeeded));
        Assert.All(result.Trials.Skip(6), t => Assert.False(t.Succeeded));
        Assert.Equal(result.InRunOrder.Where(t => t.Succeeded).Max(t => t.Score), result.Best!.Score);
        Assert.Contains("3 failed", result.Report());
        Assert.Null(HyperParameterSearch.Random(space, _ => double.PositiveInfinity, 3).Best);
    }

    [Fact]
    public void Bad_ranges_and_names_are_rejected_with_clear_messages()
    {
        var space = new HyperParameterSpace().Uniform("x", 0, 1);

        Assert.Contains("already", Assert.Throws<ArgumentException>(() => space.Uniform("x", 0, 2)).Message);
        Assert.Contains("positive lower bound", Assert.Throws<ArgumentOutOfRangeException>(() => space.LogUniform("lr", 0, 1)).Message);
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => space.Uniform("y", 1, 1)).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => space.Integer("n", 5, 4)).ParamName);
        Assert.Throws<ArgumentException>(() => space.Choice<string>("c"));
        Assert.Equal("trials", Assert.Throws<ArgumentOutOfRangeException>(() => HyperParameterSearch.Random(space, _ => 0, 0)).ParamName);
        var missing = Assert.Throws<KeyNotFoundException>(() => Samples(space, 1)[0].GetDouble("lr"));
        Assert.Contains("the space has: x", missing.Message);
    }
}
