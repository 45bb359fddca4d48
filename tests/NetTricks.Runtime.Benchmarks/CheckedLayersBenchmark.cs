using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetTricks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Declared in the global namespace, like GradientCheckerBenchmark, so Program.cs finds it directly.

/// <summary>
/// Cost of checked layers: time per training step (zero_grad, forward, cross-entropy, backward, optimizer step) of a
/// checked model divided by the same model unchecked, for an MLP and a small CNN, with the default sampling (every
/// 10th step) and with every step checked. The three variants train identical copies on the same batch; blocks of
/// steps are interleaved (so drift in machine load hits all variants alike), after a warm-up, and the ratio is the
/// median over the repetitions. One torch thread, for stable timings. Both wall-clock time and process CPU time are
/// measured: on a shared machine the CPU time is the steadier of the two (it does not count time spent waiting for
/// a core), so both ratios are printed.
/// Usage: <c>dotnet run -c Release --project tests/NetTricks.Runtime.Benchmarks -- checked [--reps 31] [--steps 10] [--warmup 30]</c>
/// </summary>
public static class CheckedLayersBenchmark
{
    public static void Run(string[] args)
    {
        int reps = IntOption(args, "--reps", 31);
        int steps = IntOption(args, "--steps", 10); // a multiple of 10: every block has the same share of sampled steps
        int warmup = IntOption(args, "--warmup", 30);
        torch.set_num_threads(1);

        Console.WriteLine("NetTricks checked layers: time per training step (zero_grad + forward + loss + backward + optimizer step), checked / unchecked.");
        Console.WriteLine($"{torch.get_num_threads()} torch thread; {reps} interleaved repetitions of {steps} steps per variant after {warmup} warm-up steps; medians.");
        Console.WriteLine("Targets: <= 1.10 with the default sampling (every 10th step), <= 2.0 checking every step (PyTorch anomaly detection: 2.4-3x).");
        Console.WriteLine();
        Console.WriteLine($"{"model",-38} {"clock",5} {"unchecked",10} {"every 10th",11} {"ratio",6} {"every step",11} {"ratio",6}");

        Measure("MLP 784-256-256-10 ReLU, batch 64", Mlp, randn(64, 784), reps, steps, warmup);
        Measure("CNN 2 conv + 2 linear, 28x28, batch 32", Cnn, randn(32, 1, 28, 28), reps, steps, warmup);
    }

    private static Sequential Mlp() => nn.Sequential(
        ("fc1", nn.Linear(784, 256)), ("relu1", nn.ReLU()),
        ("fc2", nn.Linear(256, 256)), ("relu2", nn.ReLU()),
        ("out", nn.Linear(256, 10)));

    private static Sequential Cnn() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 16, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flat", nn.Flatten()), ("fc", nn.Linear(32 * 7 * 7, 64)), ("relu3", nn.ReLU()), ("out", nn.Linear(64, 10)));

    private static void Measure(string title, Func<Sequential> build, Tensor input, int reps, int steps, int warmup)
    {
        var labels = randint(0, 10, new long[] { input.shape[0] }, generator: new Generator(2));
        var variants = new[]
        {
            new Variant(build, null),
            new Variant(build, new CheckedOptions { Log = null }),
            new Variant(build, new CheckedOptions { Log = null, SampleEvery = 1 }),
        };
        foreach (var variant in variants)
        {
            variant.Steps(input, labels, warmup);
        }

        // [clock][variant]: per-step times; [clock][0 or 1]: ratios to unchecked of the same repetition.
        var times = new[] { variants.Select(_ => new List<double>()).ToArray(), variants.Select(_ => new List<double>()).ToArray() };
        var ratios = new[] { new[] { new List<double>(), new List<double>() }, new[] { new List<double>(), new List<double>() } };
        for (int rep = 0; rep < reps; rep++)
        {
            var perStep = new double[2, variants.Length];
            for (int k = 0; k < variants.Length; k++)
            {
                int v = (rep + k) % variants.Length; // rotate which variant goes first
                var (wall, cpu) = variants[v].Steps(input, labels, steps);
                perStep[0, v] = wall / steps;
                perStep[1, v] = cpu / steps;
            }
            for (int clock = 0; clock < 2; clock++)
            {
                for (int v = 0; v < variants.Length; v++)
                {
                    times[clock][v].Add(perStep[clock, v]);
                }
                ratios[clock][0].Add(perStep[clock, 1] / perStep[clock, 0]);
                ratios[clock][1].Add(perStep[clock, 2] / perStep[clock, 0]);
            }
        }

        for (int clock = 0; clock < 2; clock++)
        {
            Console.WriteLine($"{(clock == 0 ? title : ""),-38} {(clock == 0 ? "wall" : "cpu"),5} {Ms(Median(times[clock][0])),10} "
                + $"{Ms(Median(times[clock][1])),11} {Median(ratios[clock][0]),6:0.00} {Ms(Median(times[clock][2])),11} {Median(ratios[clock][1]),6:0.00}");
        }
        foreach (var variant in variants.Where(v => v.Model is CheckedSequential))
        {
            var model = (CheckedSequential)variant.Model;
            if (model.Findings.Count > 0)
            {
                Console.WriteLine($"  (every {model.Options.SampleEvery}: {model.Findings.Count} findings, e.g. {model.Findings[0]})");
            }
        }
        foreach (var variant in variants)
        {
            variant.Model.Dispose();
        }
    }

    private sealed class Variant
    {
        private readonly optim.Optimizer optimizer;
        private readonly TrainingChecker? checker;

        public Variant(Func<Sequential> build, CheckedOptions? options)
        {
            var model = build();
            Init.ForActivations(model, new InitOptions { Generator = new Generator(1) }); // identical weights in every variant
            if (options is null)
            {
                Model = model;
            }
            else
            {
                var checkedModel = model.Checked(options);
                checker = checkedModel.Checker;
                Model = checkedModel;
            }
            optimizer = optim.SGD(Model.parameters(), 0.01, momentum: 0.9);
        }

        public Sequential Model { get; }

        /// <summary>Runs <paramref name="count"/> training steps; returns the elapsed wall-clock and process CPU milliseconds.</summary>
        public (double Wall, double Cpu) Steps(Tensor input, Tensor labels, int count)
        {
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(Model.call(input), labels);
                loss.backward();
                if (checker is null)
                {
                    optimizer.step();
                }
                else
                {
                    checker.Step(optimizer);
                }
            }
            double wall = watch.Elapsed.TotalMilliseconds;
            process.Refresh();
            return (wall, (process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Ms(double milliseconds) => milliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static int IntOption(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : fallback;
    }
}
