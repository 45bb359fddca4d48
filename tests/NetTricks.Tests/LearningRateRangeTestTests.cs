using System;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetTricks.Tests;

public sealed class LearningRateRangeTestTests
{
    private readonly ITestOutputHelper output;

    public LearningRateRangeTestTests(ITestOutputHelper output) => this.output = output;

    // Least squares: L(w) = mean((Xw - y)^2), Hessian H = (2/n) X^T X. Columns of different scales spread the
    // eigenvalues (condition number about 16), so the slow directions are still converging when the fast one
    // turns unstable.
    private static (Tensor X, Tensor Y, double LambdaMax) LeastSquares(int n, int d, ulong seed)
    {
        var generator = new Generator(seed);
        var x = randn(new long[] { n, d }, dtype: float64, generator: generator) * linspace(0.5, 2.0, d, dtype: float64);
        var w = randn(new long[] { d, 1 }, dtype: float64, generator: generator);
        var y = x.matmul(w) + 0.1 * randn(new long[] { n, 1 }, dtype: float64, generator: generator);
        var hessian = x.T.matmul(x) * (2.0 / n);
        double lambdaMax = linalg.eigvalsh(hessian).max().item<double>();
        return (x.to(float32), y.to(float32), lambdaMax);
    }

    private static Linear ZeroLinear(int d)
    {
        var model = nn.Linear(d, 1, hasBias: false);
        using (no_grad())
        {
            model.weight!.zero_();
        }
        return model;
    }

    [Theory]
    [InlineData(64, 6, 1UL)]
    [InlineData(200, 3, 2UL)]
    [InlineData(40, 10, 3UL)]
    public void Full_batch_gradient_descent_on_least_squares_reports_a_largest_stable_rate_within_a_factor_2_of_2_over_lambda_max(int n, int d, ulong seed)
    {
        var (x, y, lambdaMax) = LeastSquares(n, d, seed);
        double limit = 2 / lambdaMax; // gradient descent without momentum diverges above this rate
        var model = ZeroLinear(d);
        var optimizer = optim.SGD(model.parameters(), 0.01);

        var result = LearningRateRangeTest.Run(
            model, optimizer, (input, target) => (model.call(input) - target).pow(2).mean(), new[] { (x, y) },
            new LearningRateRangeOptions { StartLearningRate = 1e-4, EndLearningRate = 10, Steps = 100 });

        output.WriteLine($"2 / lambda_max = {limit:G4}");
        output.WriteLine(result.ToString());
        Assert.True(result.Diverged, result.ToString());
        Assert.NotNull(result.LargestStableRate);
        double ratio = result.LargestStableRate!.Value / limit;
        Assert.True(ratio > 0.5 && ratio < 2, $"largest stable {result.LargestStableRate:G4}, limit 2/lambda_max {limit:G4}, ratio {ratio:G3}\n{result}");
        Assert.Equal(result.LargestStableRate / 10, result.SuggestedRate);
        // The test left the model and the optimizer as they were.
        Assert.Equal(0, model.weight!.abs().max().item<float>());
        Assert.Equal(0.01, optimizer.ParamGroups.Single().LearningRate);
    }

    [Fact]
    public void The_reported_largest_stable_rate_trains_and_twice_the_limit_blows_up()
    {
        var (x, y, lambdaMax) = LeastSquares(64, 6, 1);
        var model = ZeroLinear(6);
        var optimizer = optim.SGD(model.parameters(), 0.01);
        Func<Tensor, Tensor, Tensor> loss = (input, target) => (model.call(input) - target).pow(2).mean();
        var result = LearningRateRangeTest.Run(model, optimizer, loss, new[] { (x, y) },
            new LearningRateRangeOptions { StartLearningRate = 1e-4, EndLearningRate = 10, Steps = 100 });

        double Train(double rate)
        {
            using (no_grad())
            {
                model.weight!.zero_();
            }
            var sgd = optim.SGD(model.parameters(), rate);
            for (int i = 0; i < 200; i++)
            {
                using var scope = NewDisposeScope();
                sgd.zero_grad();
                loss(x, y).backward();
                sgd.step();
            }
            using (no_grad())
            {
                return loss(x, y).item<float>();
            }
        }

        double initial = loss(x, y).item<float>();
        double trained = Train(result.LargestStableRate!.Value);
        Assert.True(trained < 0.1 * initial, $"{initial} -> {trained}, limit {2 / lambdaMax}\n{result}");
        Assert.False(Train(2.2 / lambdaMax) < initial); // just above the limit: grows (or overflows to NaN)
    }

    [Fact]
    public void Sweep_estimate_alone_is_reported_when_checks_are_off()
    {
        var (x, y, _) = LeastSquares(64, 6, 1);
        var model = ZeroLinear(6);
        var optimizer = optim.SGD(model.parameters(), 0.01);

        var result = LearningRateRangeTest.Run(model, optimizer, (input, target) => (model.call(input) - target).pow(2).mean(), new[] { (x, y) },
            new LearningRateRangeOptions { StartLearningRate = 1e-4, EndLearningRate = 10, Steps = 100, VerificationSteps = 0 });

        Assert.Empty(result.Checks);
        Assert.Equal(result.SweepStableRate, result.LargestStableRate);
        Assert.Equal(result.Curve[result.DivergenceStep!.Value - 1].LearningRate, result.SweepStableRate);
    }

    [Fact]
    public void Sweep_is_geometric_ignores_early_spikes_and_stops_at_the_first_NaN()
    {
        var model = nn.Linear(2, 1);
        var optimizer = optim.SGD(model.parameters(), 0.5);
        int step = 0;
        // The loss the "training" reports depends only on the step: flat at 1 with a 50x spike among the ignored
        // first steps, a 3x spike later (smoothed: 1.2x, no divergence) and NaN at step 60.
        double Step()
        {
            int i = step++;
            return i == 1 ? 50 : i == 30 ? 3 : i == 60 ? double.NaN : 1;
        }

        var result = LearningRateRangeTest.Run(model, optimizer, Step,
            new LearningRateRangeOptions { StartLearningRate = 1e-6, EndLearningRate = 1, Steps = 100, VerificationSteps = 0 });

        Assert.Equal(60, result.DivergenceStep);
        Assert.Equal(61, result.Curve.Count);
        Assert.True(double.IsNaN(result.Curve[60].Loss));
        Assert.Equal(1e-6, result.Curve[0].LearningRate, 12);
        for (int i = 1; i < result.Curve.Count; i++)
        {
            Assert.Equal(Math.Pow(10, 6.0 / 99), result.Curve[i].LearningRate / result.Curve[i - 1].LearningRate, 9);
        }
        Assert.Equal(result.Curve[59].LearningRate, result.SweepStableRate);
        Assert.Equal(0.5, optimizer.ParamGroups.Single().LearningRate);
    }

    [Fact]
    public void Smoothed_loss_above_the_divergence_factor_times_the_best_is_divergence()
    {
        var model = nn.Linear(2, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        int step = 0;
        // Falls to 1 by step 20, then grows 20% per step: 4x the best is crossed a few steps after the raw loss is.
        double Step()
        {
            int i = step++;
            return i < 20 ? 10 - 0.45 * i : Math.Pow(1.2, i - 20) + 0.1;
        }

        var result = LearningRateRangeTest.Run(model, optimizer, Step,
            new LearningRateRangeOptions { Steps = 100, VerificationSteps = 0, Smoothing = 0.9, DivergenceFactor = 4 });

        Assert.True(result.Diverged);
        var point = result.Curve[result.DivergenceStep!.Value];
        var previous = result.Curve[result.DivergenceStep!.Value - 1];
        double best = result.Curve.Skip(5).Take(result.DivergenceStep!.Value - 5).Min(p => p.SmoothedLoss);
        Assert.True(point.SmoothedLoss > 4 * best);
        Assert.True(previous.SmoothedLoss <= 4 * best);
        Assert.InRange(result.DivergenceStep!.Value, 28, 40);
        Assert.True(result.MinimumLossRate < point.LearningRate);
    }

    [Fact]
    public void Every_parameter_group_follows_the_sweep_keeping_its_ratio_to_the_first()
    {
        var first = nn.Linear(2, 2);
        var second = nn.Linear(2, 1);
        var model = nn.Sequential(("first", first), ("second", second));
        var optimizer = optim.SGD(new[]
        {
            new SGD.ParamGroup(first.parameters(), new SGD.Options { LearningRate = 0.1 }),
            new SGD.ParamGroup(second.parameters(), new SGD.Options { LearningRate = 0.01 }),
        }, 0.1);
        var ratios = new System.Collections.Generic.List<double>();
        double Step()
        {
            var rates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
            ratios.Add(rates[1] / rates[0]);
            return 1;
        }

        var result = LearningRateRangeTest.Run(model, optimizer, Step, new LearningRateRangeOptions { Steps = 20, VerificationSteps = 0 });

        Assert.False(result.Diverged);
        Assert.Equal(20, ratios.Count);
        Assert.All(ratios, r => Assert.Equal(0.1, r, 9));
        Assert.Equal(new[] { 0.1, 0.01 }, optimizer.ParamGroups.Select(g => g.LearningRate));
        Assert.Contains("no divergence", result.ToString());
    }

    [Theory]
    [InlineData("adam", 3)]
    [InlineData("sgd-momentum", 0)] // momentum buffers appear during the test and must be gone afterwards
    [InlineData("sgd-momentum", 3)]
    public void Model_parameters_and_optimizer_state_are_restored_exactly(string kind, int stepsBefore)
    {
        var generator = new Generator(11);
        var x = randn(new long[] { 32, 3 }, generator: generator);
        var y = randn(new long[] { 32, 1 }, generator: generator);
        var model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1));
        OptimizerHelper optimizer = kind == "adam" ? optim.Adam(model.parameters(), 0.003) : optim.SGD(model.parameters(), 0.003, momentum: 0.9);
        Func<Tensor, Tensor, Tensor> loss = (input, target) => nn.functional.mse_loss(model.call(input), target);
        for (int i = 0; i < stepsBefore; i++) // non-trivial moments, momentum buffers and step counts
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            loss(x, y).backward();
            optimizer.step();
        }
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        byte[] optimizerBefore = OptimizerBytes(optimizer);
        model.eval();

        var result = LearningRateRangeTest.Run(model, optimizer, loss, MiniBatch.Shuffled(x, y, 8, generator: new Generator(1)),
            new LearningRateRangeOptions { Steps = 60 });

        Assert.NotEmpty(result.Curve);
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.True(BitwiseEqual(tensor, before[name]), name);
        }
        Assert.Equal(optimizerBefore, OptimizerBytes(optimizer));
        Assert.False(model.training);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.count_nonzero().item<long>() == 0));
    }

    private static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.SequenceEqual(b.contiguous().bytes);

    private static byte[] OptimizerBytes(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }
        return stream.ToArray();
    }

    [Fact]
    public void Invalid_options_and_a_non_scalar_loss_are_reported_clearly()
    {
        var model = nn.Linear(2, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var x = ones(4, 2);
        var y = ones(4, 1);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateRangeTest.Run(model, optimizer, () => 1.0,
            new LearningRateRangeOptions { StartLearningRate = 1, EndLearningRate = 0.1 }));
        Assert.Equal("EndLearningRate", range.ParamName);

        var shape = Assert.Throws<InvalidOperationException>(() => LearningRateRangeTest.Run(model, optimizer,
            (input, target) => (model.call(input) - target).pow(2), new[] { (x, y) }));
        Assert.Contains("one value", shape.Message);

        var empty = Assert.Throws<ArgumentException>(() => LearningRateRangeTest.Run(model, optimizer,
            (input, target) => (model.call(input) - target).pow(2).mean(), Array.Empty<(Tensor, Tensor)>()));
        Assert.Contains("empty", empty.Message);
    }
}
