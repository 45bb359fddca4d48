using System;
using System.Globalization;
using System.Linq;
using NetTricks;
using TorchSharp;
using static TorchSharp.torch;

// Declared in the global namespace so Program.cs finds it whatever namespace or usings it has.

/// <summary>
/// Gradient checker cost: fast mode (random projections) against full mode (every element) on a ~100k-parameter
/// float64 MLP, both measured (full mode takes about a minute). With <c>--quick</c>, full mode over all elements is
/// extrapolated instead from two short sampled runs (MaxElementsPerTensor = 1 for the fixed cost of the Jacobian rows and
/// a larger sample for the per-element cost) and labelled as such; on a busy machine that estimate is noisy.
/// Fast mode and the sampled runs are the minimum of three runs; one torch thread throughout (restored afterwards),
/// because small ops on a shared machine are otherwise dominated by thread contention.
/// Usage: <c>dotnet run -c Release --project tests/NetTricks.Runtime.Benchmarks -- gradcheck [--quick]</c>
/// </summary>
public static class GradientCheckerBenchmark
{
    public static void Run(string[] args)
    {
        bool measureFull = !args.Contains("--quick");
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            Measure(measureFull);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    private static void Measure(bool measureFull)
    {
        torch.manual_seed(1);
        var model = nn.Sequential(
            ("fc1", nn.Linear(64, 256, dtype: float64)),
            ("act1", nn.Tanh()),
            ("fc2", nn.Linear(256, 256, dtype: float64)),
            ("act2", nn.Tanh()),
            ("fc3", nn.Linear(256, 64, dtype: float64)),
            ("act3", nn.Tanh()),
            ("fc4", nn.Linear(64, 10, dtype: float64)));
        var batch = torch.randn(8, 64, dtype: float64);
        long parameters = model.parameters().Sum(p => p.numel());
        int tensors = model.parameters().Count();
        const long Outputs = 8 * 10;

        Console.WriteLine($"NetTricks gradient checker: fast vs full mode on a float64 MLP 64-256-256-64-10 "
            + $"({N(parameters)} parameters in {tensors} tensors), batch 8, output {N(Outputs)} elements, 1 torch thread.");

        // Warm-up (JIT, libtorch kernels), not timed.
        GradientChecker.CheckModule(model, batch, new GradientCheckOptions { Mode = GradientCheckMode.Fast, Projections = 1 });
        GradientChecker.CheckModule(model, batch, new GradientCheckOptions { MaxElementsPerTensor = 2 });

        var fast = Best(() => GradientChecker.CheckModule(model, batch, new GradientCheckOptions { Mode = GradientCheckMode.Fast }));
        Console.WriteLine($"fast mode, measured (best of 3; 3 projections, one random direction per tensor): {Seconds(fast.Elapsed.TotalSeconds)}, "
            + $"{N(fast.ForwardPasses)} forward + {N(fast.BackwardPasses)} backward passes, {N(fast.Comparisons)} comparisons, {(fast.Passed ? "passed" : "FAILED")}");

        // Full mode's pass counts are exact whatever is timed: 2 baseline evaluations + 2 per element, one backward per output element.
        long fullForwards = 2 + 2 * parameters;
        double fullSeconds;
        if (measureFull)
        {
            var full = GradientChecker.CheckModule(model, batch);
            fullSeconds = full.Elapsed.TotalSeconds;
            Console.WriteLine($"full mode, measured over all {N(full.ElementsChecked)} elements (one run): {Seconds(fullSeconds)}, "
                + $"{N(full.ForwardPasses)} forward + {N(full.BackwardPasses)} backward passes, {N(full.Comparisons)} comparisons, {(full.Passed ? "passed" : "FAILED")} "
                + $"({(fullSeconds / full.ForwardPasses * 1000).ToString("F3", CultureInfo.InvariantCulture)} ms per forward pass)");
        }
        else
        {
            var rowsOnly = Best(() => GradientChecker.CheckModule(model, batch, new GradientCheckOptions { MaxElementsPerTensor = 1 }));
            var sample = Best(() => GradientChecker.CheckModule(model, batch, new GradientCheckOptions { MaxElementsPerTensor = 150 }));
            double perElement = (sample.Elapsed.TotalSeconds - rowsOnly.Elapsed.TotalSeconds) / (sample.ElementsChecked - rowsOnly.ElementsChecked);
            fullSeconds = rowsOnly.Elapsed.TotalSeconds + perElement * (parameters - rowsOnly.ElementsChecked);
            Console.WriteLine($"full mode, measured on random samples (best of 3): {N(rowsOnly.ElementsChecked)} elements in {Seconds(rowsOnly.Elapsed.TotalSeconds)} "
                + $"(mostly the {N(rowsOnly.BackwardPasses)} Jacobian rows), {N(sample.ElementsChecked)} elements in {Seconds(sample.Elapsed.TotalSeconds)} "
                + $"=> {(perElement * 1000).ToString("F3", CultureInfo.InvariantCulture)} ms per element; both {(rowsOnly.Passed && sample.Passed ? "passed" : "FAILED")}");
            Console.WriteLine($"full mode over all {N(parameters)} elements: ~{Seconds(fullSeconds)} EXTRAPOLATED from the samples (not measured; run without --quick to measure), "
                + $"{N(fullForwards)} forward + {N(Outputs)} backward passes, {N(parameters * Outputs)} comparisons (exact counts)");
        }

        Console.WriteLine($"ratio full / fast: wall time ~{Ratio(fullSeconds / fast.Elapsed.TotalSeconds)} ({(measureFull ? "measured" : "with the extrapolated full time")}), "
            + $"forward passes {Ratio((double)fullForwards / fast.ForwardPasses)}, backward passes {Ratio((double)Outputs / fast.BackwardPasses)}");
    }

    private static GradientCheckResult Best(Func<GradientCheckResult> check)
    {
        var best = check();
        for (int i = 1; i < 3; i++)
        {
            var next = check();
            if (next.Elapsed < best.Elapsed)
            {
                best = next;
            }
        }
        return best;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Seconds(double value) => value.ToString(value < 10 ? "F3" : "F1", CultureInfo.InvariantCulture) + " s";

    private static string Ratio(double value) => value.ToString(value < 10 ? "F1" : "N0", CultureInfo.InvariantCulture) + "x";
}
