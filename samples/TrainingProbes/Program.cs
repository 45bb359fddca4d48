using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetTricks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainingProbes;

/// <summary>
/// The NetTricks training probes on one small task, in the order you would use them on a new model:
/// find the learning rate, check that the model can fit a couple of batches at all, tune, then train with early
/// stopping. Usage: <c>TrainingProbes [chart.png]</c> (default <c>training-probes.png</c>).
/// </summary>
public static class Program
{
    private const int BatchSize = 32;

    public static int Main(string[] args)
    {
        string chartPath = args.Length > 0 ? args[0] : "training-probes.png";
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        // Tiny models: one thread is faster (no synchronisation) and keeps the run reproducible.
        set_num_threads(1);
        var watch = Stopwatch.StartNew();
        var task = SyntheticTask.Create(seed: 7);
        Console.WriteLine($"Task: regression, {SyntheticTask.Features} features, {task.TrainX.shape[0]} training / " +
                          $"{task.ValidationX.shape[0]} validation / {task.TestX.shape[0]} test rows, noise variance 0.09.");

        var rangeTest = FindLearningRate(task);
        double rate = rangeTest.SuggestedRate ?? 1e-3;
        ProbeOverfitting(task, rate);
        var best = Search(task, rangeTest);
        var training = TrainWithEarlyStopping(task, best);
        CheckGradients();
        CheckLayers(task, rate);

        Charts.Save(chartPath, rangeTest, training);
        Console.WriteLine();
        Console.WriteLine($"Chart: {System.IO.Path.GetFullPath(chartPath)}");
        Console.WriteLine($"Total time {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    internal static Sequential Mlp(int hidden, string activation) => nn.Sequential(
        ("l1", nn.Linear(SyntheticTask.Features, hidden)), ("a1", Activation(activation)),
        ("l2", nn.Linear(hidden, hidden)), ("a2", Activation(activation)),
        ("out", nn.Linear(hidden, 1)));

    private static nn.Module<Tensor, Tensor> Activation(string name) => name switch
    {
        "tanh" => nn.Tanh(),
        "gelu" => nn.GELU(),
        _ => nn.ReLU(),
    };

    private static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
    }

    // 1. Learning-rate range test: the largest rate Adam survives on this model, and a rate to train with.
    private static LearningRateRangeResult FindLearningRate(SyntheticTask task)
    {
        Section("1. Learning-rate range test (Adam, MLP 8-64-64-1)");
        manual_seed(1);
        var model = Mlp(64, "relu");
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var result = LearningRateRangeTest.Run(
            model, optimizer,
            (x, y) => nn.functional.mse_loss(model.call(x), y),
            MiniBatch.Shuffled(task.TrainX, task.TrainY, BatchSize, generator: new Generator(1)),
            new LearningRateRangeOptions { StartLearningRate = 1e-5, EndLearningRate = 10, Steps = 100 });
        Console.WriteLine(result);
        return result;
    }

    // 2. Over-fit probe: a healthy model memorises two batches; the same model with its output detached cannot.
    private static void ProbeOverfitting(SyntheticTask task, double rate)
    {
        Section($"2. Over-fit probe (two batches of 16, Adam at the suggested rate {rate:0.###e+00})");
        var batches = new[]
        {
            (task.TrainX.narrow(0, 0, 16), task.TrainY.narrow(0, 0, 16)),
            (task.TrainX.narrow(0, 16, 16), task.TrainY.narrow(0, 16, 16)),
        };

        manual_seed(2);
        var healthy = Mlp(64, "relu");
        var healthyResult = OverfitProbe.Run(healthy, optim.Adam(healthy.parameters(), lr: rate),
            (x, y) => nn.functional.mse_loss(healthy.call(x), y), batches);
        Console.WriteLine($"healthy MLP: {healthyResult}");

        manual_seed(2);
        var broken = new DetachedOutputModel(Mlp(64, "relu"));
        var brokenResult = OverfitProbe.Run(broken, optim.Adam(broken.parameters(), lr: rate),
            (x, y) => nn.functional.mse_loss(broken.call(x), y), batches);
        Console.WriteLine($"MLP with a detached output: {brokenResult}");
    }

    // 3. Random search around the range test's answer.
    private static HyperParameters Search(SyntheticTask task, LearningRateRangeResult rangeTest)
    {
        double high = rangeTest.LargestStableRate ?? 1e-1;
        double low = Math.Min(high / 100, rangeTest.SuggestedRate ?? 1e-4);
        var space = new HyperParameterSpace()
            .LogUniform("lr", low, high)
            .Integer("hidden", 16, 128, logScale: true)
            .LogUniform("weight_decay", 1e-5, 1e-1)
            .Choice("activation", "relu", "tanh", "gelu");
        Section($"3. Random search: 10 trials of 30 epochs, validation loss\n{space}");

        var result = HyperParameterSearch.Random(space, p =>
        {
            manual_seed(p.Seed);
            var model = Mlp(p.GetInt("hidden"), p.Get<string>("activation"));
            var optimizer = optim.AdamW(model.parameters(), lr: p.GetDouble("lr"), weight_decay: p.GetDouble("weight_decay"));
            var batches = MiniBatch.Shuffled(task.TrainX, task.TrainY, BatchSize, generator: new Generator((ulong)p.Seed));
            for (int epoch = 0; epoch < 30; epoch++)
            {
                TrainEpoch(model, optimizer, batches);
            }
            return Evaluate(model, task.ValidationX, task.ValidationY);
        }, trials: 10, seed: 3);
        Console.WriteLine(result.Report(5));
        return result.Best!.Parameters;
    }

    // 4. Train the best configuration until validation stops improving; keep the best epoch.
    private static TrainingCurves TrainWithEarlyStopping(SyntheticTask task, HyperParameters settings)
    {
        Section($"4. Training with early stopping (patience 20): {settings}");
        manual_seed(4);
        var model = Mlp(settings.GetInt("hidden"), settings.Get<string>("activation"));
        var optimizer = optim.AdamW(model.parameters(), lr: settings.GetDouble("lr"), weight_decay: settings.GetDouble("weight_decay"));
        var batches = MiniBatch.Shuffled(task.TrainX, task.TrainY, BatchSize, generator: new Generator(4));
        var curves = new TrainingCurves();
        using var stopper = new EarlyStopping(patience: 20, minDelta: 1e-4);

        for (int epoch = 0; epoch < 400; epoch++)
        {
            curves.Train.Add(TrainEpoch(model, optimizer, batches));
            curves.Validation.Add(Evaluate(model, task.ValidationX, task.ValidationY));
            if (stopper.Update(curves.Validation[^1], model))
            {
                break;
            }
        }
        double lastTest = Evaluate(model, task.TestX, task.TestY);
        stopper.RestoreBest(model);
        double bestTest = Evaluate(model, task.TestX, task.TestY);
        curves.BestEpoch = stopper.BestEpoch ?? 0;

        Console.WriteLine(stopper);
        Console.WriteLine($"test loss: last epoch ({curves.Train.Count - 1}) {lastTest:F4}, restored best epoch ({curves.BestEpoch}) {bestTest:F4} " +
                          "(noise floor 0.09)");
        return curves;
    }

    internal static double TrainEpoch(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, IEnumerable<(Tensor Input, Tensor Target)> batches)
    {
        model.train();
        double total = 0;
        long count = 0;
        foreach (var (x, y) in batches)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            optimizer.step();
            total += loss.item<float>() * x.shape[0];
            count += x.shape[0];
        }
        return total / count;
    }

    internal static double Evaluate(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return nn.functional.mse_loss(model.call(x), y).item<float>();
    }

    // 5. Gradient check: autograd against central finite differences in float64, on a float64 copy of a small MLP.
    private static void CheckGradients()
    {
        Section("5. Gradient check (MLP 8-16-16-1 with tanh, float64, every parameter element)");
        manual_seed(5);
        var model = Mlp(16, "tanh").to(float64);
        var batch = randn(new long[] { 4, SyntheticTask.Features }, dtype: float64, generator: new Generator(5));
        Console.WriteLine(GradientChecker.CheckModule(model, batch));
    }

    // 6. Checked layers: a tanh network initialised far too large saturates; the per-layer initializer fixes it.
    private static void CheckLayers(SyntheticTask task, double rate)
    {
        Section("6. Checked layers: tanh MLP 8-64-64-1, weights drawn from N(0, 2^2) vs initialised for its activations");
        var batches = MiniBatch.Shuffled(task.TrainX, task.TrainY, BatchSize, generator: new Generator(6));

        var tooLarge = TanhNetwork();
        using (no_grad())
        {
            foreach (var (name, parameter) in tooLarge.named_parameters().Where(p => p.name.EndsWith("weight", StringComparison.Ordinal)))
            {
                parameter.normal_(0, 2.0);
            }
        }
        TrainChecked(tooLarge, rate, batches, epochs: 5);
        Console.WriteLine(tooLarge.Report());

        Console.WriteLine();
        var initialised = TanhNetwork();
        Console.WriteLine(Init.ForActivations(initialised));
        TrainChecked(initialised, rate, batches, epochs: 5);
        Console.WriteLine(initialised.Report());
    }

    private static CheckedSequential TanhNetwork()
    {
        manual_seed(6);
        return CheckedSequential.Create(new CheckedOptions { Log = null, SampleEvery = 5 },
            ("l1", nn.Linear(SyntheticTask.Features, 64)), ("a1", nn.Tanh()),
            ("l2", nn.Linear(64, 64)), ("a2", nn.Tanh()),
            ("out", nn.Linear(64, 1)));
    }

    private static void TrainChecked(CheckedSequential model, double rate, IEnumerable<(Tensor Input, Tensor Target)> batches, int epochs)
    {
        var optimizer = optim.Adam(model.parameters(), lr: rate);
        model.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var (x, y) in batches)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.mse_loss(model.call(x), y).backward();
                model.AfterBackward(); // checks every layer's gradients
                optimizer.step();
            }
        }
    }
}

/// <summary>The bug the over-fit probe is for: an output computed from the parameters but cut off from them.</summary>
internal sealed class DetachedOutputModel : nn.Module<Tensor, Tensor>
{
    private readonly Sequential net;

    public DetachedOutputModel(Sequential net) : base(nameof(DetachedOutputModel))
    {
        this.net = net;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => net.call(input).detach();
}

/// <summary>Per-epoch training and validation losses of the early-stopping run.</summary>
internal sealed class TrainingCurves
{
    public List<double> Train { get; } = new();
    public List<double> Validation { get; } = new();
    public int BestEpoch { get; set; }
}
