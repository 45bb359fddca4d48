using System;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NetTricks.Tests.TestSupport;
using static TorchSharp.torch;

namespace NetTricks.Tests;

public sealed class CheckedLayersTests
{
    [Fact]
    public void Flags_dead_relu_units_when_biases_start_at_minus_ten()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(),
            ("fc1", nn.Linear(20, 64)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(64, 32)), ("relu2", nn.ReLU()), ("out", nn.Linear(32, 1)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(1) });
        using (no_grad())
        {
            ((Linear)model[0]).bias!.fill_(-10);
        }

        Train(model, model.Checker, 20, 1, steps: 3, new Generator(2));

        var dead = Assert.Single(model.Findings, f => f.Kind == FindingKind.DeadUnits && f.Layer == "relu1" && f.Step == 1);
        Assert.Equal(1.0, dead.Value);
        Assert.Equal(0.7, dead.Threshold);
        Assert.Contains("100% of the 64 units of 'relu1' output zero for the whole batch", dead.Message);
    }

    [Fact]
    public void Flags_saturated_sigmoid_units_when_inputs_are_scaled_by_100_and_not_otherwise()
    {
        using var scope = NewDisposeScope();
        CheckedSequential SigmoidNet() => CheckedSequential.Create(Quiet(),
            ("fc1", nn.Linear(10, 32)), ("sigmoid", nn.Sigmoid()), ("out", nn.Linear(32, 1)));
        var scaled = SigmoidNet();
        var normal = SigmoidNet();
        Init.ForActivations(scaled, new InitOptions { Generator = new Generator(3) });
        Init.ForActivations(normal, new InitOptions { Generator = new Generator(3) });

        Train(scaled, scaled.Checker, 10, 1, steps: 2, new Generator(4), inputScale: 100);
        Train(normal, normal.Checker, 10, 1, steps: 2, new Generator(4));

        var saturated = Assert.Single(scaled.Findings, f => f.Kind == FindingKind.Saturation && f.Step == 1);
        Assert.Equal("sigmoid", saturated.Layer);
        Assert.InRange(saturated.Value, 0.5, 1.0);
        Assert.Contains("beyond ±5", saturated.Message);
        Assert.DoesNotContain(normal.Findings, f => f.Kind == FindingKind.Saturation);
    }

    [Fact]
    public void Tanh_saturates_at_half_the_sigmoid_bound()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(), ("fc", nn.Linear(4, 64)), ("tanh", nn.Tanh()), ("out", nn.Linear(64, 1)));
        using (no_grad())
        {
            // Every pre-activation is 3: beyond tanh's ±2.5, inside sigmoid's ±5.
            ((Linear)model[0]).weight.zero_();
            ((Linear)model[0]).bias!.fill_(3);
        }
        Train(model, model.Checker, 4, 1, steps: 1, new Generator(5));

        var saturated = Assert.Single(model.Findings, f => f.Kind == FindingKind.Saturation);
        Assert.Equal(("tanh", 1.0), (saturated.Layer, saturated.Value));
        Assert.Contains("beyond ±2.5", saturated.Message);
    }

    [Fact]
    public void Flags_identical_neurons_of_a_zero_initialised_and_a_constant_initialised_layer()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(),
            ("fc1", nn.Linear(10, 32)), ("tanh1", nn.Tanh()), ("fc2", nn.Linear(32, 16)), ("tanh2", nn.Tanh()), ("out", nn.Linear(16, 2)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(6) });
        using (no_grad())
        {
            ((Linear)model[0]).weight.zero_();
            nn.init.constant_(((Linear)model[2]).weight, 0.5);
        }

        Train(model, model.Checker, 10, 2, steps: 1, new Generator(7));

        var zero = Assert.Single(model.Findings, f => f.Kind == FindingKind.IdenticalNeurons && f.Layer == "fc1");
        Assert.Equal(1.0, zero.Value);
        Assert.Contains("32 of the 32 neurons of 'fc1' have the same weights as another neuron (all its weights are zero)", zero.Message);
        var constant = Assert.Single(model.Findings, f => f.Kind == FindingKind.IdenticalNeurons && f.Layer == "fc2");
        Assert.DoesNotContain("zero", constant.Message);
        Assert.DoesNotContain(model.Findings, f => f.Kind == FindingKind.IdenticalNeurons && f.Layer == "out");
    }

    [Fact]
    public void Identical_neurons_are_found_in_a_partly_duplicated_conv_layer()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(),
            ("conv", nn.Conv2d(3, 10, 3)), ("relu", nn.ReLU()), ("flat", nn.Flatten()), ("out", nn.Linear(10 * 6 * 6, 1)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(8) });
        using (no_grad())
        {
            var weight = ((Conv2d)model[0]).weight;
            weight[3].copy_(weight[7]); // filters 3 and 7 are twins: 2 of 10 neurons
        }
        var x = randn(new long[] { 4, 3, 8, 8 }, generator: new Generator(9));
        model.call(x).sum().backward();

        var twins = Assert.Single(model.Findings, f => f.Kind == FindingKind.IdenticalNeurons);
        Assert.Equal(("conv", 0.2), (twins.Layer, twins.Value));
    }

    private sealed class LogLayer : nn.Module<Tensor, Tensor>
    {
        public LogLayer() : base(nameof(LogLayer))
        {
        }

        public bool Enabled { get; set; } = true;

        public override Tensor forward(Tensor x) => Enabled ? x.log() : x.alias();
    }

    [Fact]
    public void A_log_of_zero_fails_fast_with_the_layer_step_and_first_bad_index()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(10),
            ("fc1", nn.Linear(6, 16)), ("relu", nn.ReLU()), ("log", new LogLayer()), ("fc2", nn.Linear(16, 1)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(10) });
        var x = randn(new long[] { 8, 6 }, generator: new Generator(11));
        long[] expected;
        using (no_grad())
        {
            var hidden = nn.functional.relu(((Linear)model[0]).call(x)).flatten();
            long position = hidden.eq(0).nonzero()[0, 0].item<long>();
            expected = new[] { position / 16, position % 16 };
        }

        var error = Assert.Throws<NonFiniteValueException>(() => model.call(x));

        Assert.Equal("log", error.Layer);
        Assert.Equal(1, error.Step);
        Assert.Equal(NonFiniteLocation.Output, error.Location);
        Assert.Equal(expected, error.Index);
        Assert.Equal(double.NegativeInfinity, error.Value);
        Assert.Contains($"the output of layer 'log' contains -Infinity at index [{expected[0]}, {expected[1]}] at step 1", error.Message);
        Assert.Equal(FindingKind.NonFinite, Assert.Single(model.Findings).Kind);
    }

    [Fact]
    public void A_non_finite_output_on_an_unsampled_step_is_located_from_the_kept_layer_outputs()
    {
        using var scope = NewDisposeScope();
        var log = new LogLayer { Enabled = false };
        var model = CheckedSequential.Create(Quiet(10), ("fc1", nn.Linear(6, 16)), ("relu", nn.ReLU()), ("log", log), ("fc2", nn.Linear(16, 1)));
        var net = new CallNet { UseLog = false };
        var custom = net.Checked(Quiet(10));
        var generator = new Generator(31);
        Train(model, model.Checker, 6, 1, steps: 3, generator);
        Train(custom, custom.Checker, 6, 1, steps: 3, generator);

        log.Enabled = true;
        net.UseLog = true;
        var x = randn(new long[] { 8, 6 }, generator: generator);
        var sequentialError = Assert.Throws<NonFiniteValueException>(() => model.call(x));
        var customError = Assert.Throws<NonFiniteValueException>(() => custom.call(x));

        Assert.Equal(("log", 4L), (sequentialError.Layer, sequentialError.Step));
        Assert.Equal(("log", 4L), (customError.Layer, customError.Step));
        Assert.Equal(1, model.Checker.SampledSteps);
    }

    [Fact]
    public void Non_finite_values_become_findings_when_not_thrown()
    {
        using var scope = NewDisposeScope();
        var options = Quiet();
        options.ThrowOnNonFinite = false;
        var model = CheckedSequential.Create(options, ("fc1", nn.Linear(6, 16)), ("relu", nn.ReLU()), ("log", new LogLayer()), ("fc2", nn.Linear(16, 1)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(12) });

        var output = model.call(randn(new long[] { 8, 6 }, generator: new Generator(13)));

        Assert.False(output.IsInvalid);
        var finding = Assert.Single(model.Findings);
        Assert.Equal((FindingKind.NonFinite, "log", 1L), (finding.Kind, finding.Layer, finding.Step));
    }

    [Fact]
    public void A_nan_in_the_input_batch_is_reported_as_bad_data()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(), ("fc", nn.Linear(3, 2)), ("relu", nn.ReLU()));
        var x = ones(4, 3);
        x[2, 1] = tensor(float.NaN);

        var error = Assert.Throws<NonFiniteValueException>(() => model.call(x));

        Assert.Equal(("(input)", NonFiniteLocation.Input), (error.Layer, error.Location));
        Assert.Equal(new long[] { 2, 1 }, error.Index);
        Assert.Contains("bad data", error.Message);
    }

    private sealed class RowNorm : nn.Module<Tensor, Tensor>
    {
        public RowNorm() : base(nameof(RowNorm))
        {
        }

        // The Euclidean norm of each row: finite forward, but d sqrt(s)/ds is infinite at s = 0.
        public override Tensor forward(Tensor x) => x.pow(2).sum(1, keepdim: true).sqrt();
    }

    [Fact]
    public void A_non_finite_gradient_fails_after_backward_and_the_optimizer_step_is_not_taken()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(), ("fc1", nn.Linear(4, 3)), ("norm", new RowNorm()), ("fc2", nn.Linear(1, 1)));
        using (no_grad())
        {
            ((Linear)model[0]).bias!.zero_();
        }
        var x = randn(new long[] { 5, 4 }, generator: new Generator(14));
        x[1] = zeros(4); // a zero row: fc1 output row is exactly zero, its norm 0
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var before = ((Linear)model[0]).weight.detach().clone();

        model.call(x).sum().backward();
        var error = Assert.Throws<NonFiniteValueException>(() => model.Step(optimizer));

        Assert.Equal(NonFiniteLocation.Gradient, error.Location);
        Assert.Equal("fc1.bias", error.Layer); // the parameter nearest to where NaN entered backward
        Assert.True(double.IsNaN(error.Value));
        Assert.Contains("non-finite gradients: fc1.weight, fc1.bias", error.Message);
        Assert.True(((Linear)model[0]).weight.equal(before).all().item<bool>(), "the optimizer stepped on NaN gradients");

        // On an unsampled step only the biases are summed (they stand in for their layer's weight): still caught.
        var sampled = CheckedSequential.Create(Quiet(10), ("fc1", nn.Linear(4, 3)), ("norm", new RowNorm()), ("fc2", nn.Linear(1, 1)));
        using (no_grad())
        {
            ((Linear)sampled[0]).bias!.zero_();
        }
        sampled.call(randn(new long[] { 5, 4 }, generator: new Generator(15))).sum().backward();
        sampled.AfterBackward();
        sampled.zero_grad();
        sampled.call(x).sum().backward();
        var unsampled = Assert.Throws<NonFiniteValueException>(() => sampled.AfterBackward());
        Assert.Equal(("fc1.bias", 2L), (unsampled.Layer, unsampled.Step));
        Assert.Equal(1, sampled.Checker.SampledSteps);
    }

    private sealed class CallNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(6, 16);
        private readonly ReLU relu = nn.ReLU();
        private readonly LogLayer log = new();
        private readonly Sequential head = nn.Sequential(("fc2", nn.Linear(16, 8)), ("tanh", nn.Tanh()), ("out", nn.Linear(8, 1)));

        public CallNet() : base(nameof(CallNet))
        {
            RegisterComponents();
        }

        public bool UseLog { get; set; }

        public override Tensor forward(Tensor x)
        {
            var hidden = relu.call(fc1.call(x));
            return head.call(UseLog ? log.call(hidden) : hidden);
        }
    }

    private sealed class ForwardNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(6, 16);
        private readonly ReLU relu = nn.ReLU();
        private readonly Linear fc2 = nn.Linear(16, 1);

        public ForwardNet() : base(nameof(ForwardNet))
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => fc2.forward(relu.forward(fc1.forward(x)).log());
    }

    [Fact]
    public void A_checked_custom_model_names_the_layer_when_it_runs_through_call_and_the_model_otherwise()
    {
        using var scope = NewDisposeScope();
        var net = new CallNet { UseLog = true };
        Init.ForActivations(net, new InitOptions { Generator = new Generator(15) });
        var callModel = net.Checked(Quiet());
        var x = randn(new long[] { 8, 6 }, generator: new Generator(16));

        Assert.Equal("log", Assert.Throws<NonFiniteValueException>(() => callModel.call(x)).Layer);

        var forwardModel = new ForwardNet().Checked(Quiet());
        Init.ForActivations(forwardModel, new InitOptions { Generator = new Generator(17) });
        var error = Assert.Throws<NonFiniteValueException>(() => forwardModel.call(x));
        Assert.Equal("ForwardNet", error.Layer);
        Assert.Contains("forward body", error.Message);
    }

    [Fact]
    public void Layers_inside_nested_containers_are_observed_by_their_path()
    {
        using var scope = NewDisposeScope();
        var block = nn.Sequential(("fc", nn.Linear(8, 16)), ("relu", nn.ReLU()));
        var model = CheckedSequential.Create(Quiet(), ("block", block), ("out", nn.Linear(16, 1)));
        using (no_grad())
        {
            ((Linear)block[0]).bias!.fill_(-100);
        }

        Train(model, model.Checker, 8, 1, steps: 1, new Generator(18));

        Assert.Contains(model.Findings, f => f.Kind == FindingKind.DeadUnits && f.Layer == "block.relu");
    }

    [Fact]
    public void A_healthy_well_initialised_net_gets_no_finding_even_when_every_step_is_checked()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(),
            ("fc1", nn.Linear(16, 64)), ("relu", nn.ReLU()), ("fc2", nn.Linear(64, 64)), ("tanh", nn.Tanh()),
            ("fc3", nn.Linear(64, 32)), ("gelu", nn.GELU()), ("out", nn.Linear(32, 4)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(19) });
        var net = new CallNet();
        Init.ForActivations(net, new InitOptions { Generator = new Generator(20) });
        var custom = net.Checked(Quiet());

        Train(model, model.Checker, 16, 4, steps: 40, new Generator(21));
        Train(custom, custom.Checker, 6, 1, steps: 40, new Generator(22));

        Assert.Empty(model.Findings);
        Assert.Empty(custom.Findings);
        Assert.Equal((40L, 40L, 40L), (model.Checker.StepCount, model.Checker.SampledSteps, model.Checker.GradientChecks));
        Assert.EndsWith("40 gradient checks; no findings.", model.Report());
        model.ThrowIfFindings();
    }

    [Fact]
    public void Flags_vanishing_gradients_in_a_deep_sigmoid_stack()
    {
        using var scope = NewDisposeScope();
        var layers = Enumerable.Range(1, 10)
            .SelectMany(i => new (string, nn.Module<Tensor, Tensor>)[] { ($"fc{i}", nn.Linear(16, 16)), ($"sigmoid{i}", nn.Sigmoid()) })
            .Append(("out", nn.Linear(16, 1)))
            .ToArray();
        var model = CheckedSequential.Create(Quiet(), layers);
        Init.ForActivations(model, new InitOptions { Generator = new Generator(23) });

        Train(model, model.Checker, 16, 1, steps: 1, new Generator(24));

        var vanishing = Assert.Single(model.Findings, f => f.Kind == FindingKind.VanishingGradients);
        Assert.Equal("fc1", vanishing.Layer);
        Assert.True(vanishing.Value < 1e-3);
        Assert.Contains("'out'", vanishing.Message);
    }

    [Fact]
    public void The_gradient_ratio_is_the_first_over_the_last_layer_weight_gradient_norm()
    {
        using var scope = NewDisposeScope();
        var options = Quiet();
        options.VanishingGradientRatio = 0.999;
        options.ExplodingGradientRatio = 1.001;
        var model = CheckedSequential.Create(options, ("fc1", nn.Linear(8, 8)), ("relu", nn.ReLU()), ("fc2", nn.Linear(8, 3)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(25) });
        var x = randn(new long[] { 16, 8 }, generator: new Generator(26));

        model.call(x).pow(2).sum().backward();
        model.AfterBackward();

        double expected = ((Linear)model[0]).weight.grad!.norm().item<float>() / ((Linear)model[2]).weight.grad!.norm().item<float>();
        var finding = Assert.Single(model.Findings);
        Assert.Equal(expected < 1 ? FindingKind.VanishingGradients : FindingKind.ExplodingGradients, finding.Kind);
        Assert.Equal(expected, finding.Value, 5);
    }

    [Fact]
    public void Flags_activation_drift_when_the_pre_activation_scale_grows_tenfold()
    {
        using var scope = NewDisposeScope();
        var model = CheckedSequential.Create(Quiet(), ("fc", nn.Linear(8, 32)), ("tanh", nn.Tanh()), ("out", nn.Linear(32, 1)));
        Init.ForActivations(model, new InitOptions { Generator = new Generator(27) });
        var x = randn(new long[] { 32, 8 }, generator: new Generator(28));

        model.call(x).sum().backward();
        using (no_grad())
        {
            ((Linear)model[0]).weight.mul_(30);
        }
        model.call(x).sum().backward();

        var drift = Assert.Single(model.Findings, f => f.Kind == FindingKind.ActivationDrift);
        Assert.Equal(("tanh", 2L), (drift.Layer, drift.Step));
        Assert.Equal(30.0, drift.Value, 3);
        Assert.Contains("has grown", drift.Message);
    }

    [Fact]
    public void Statistics_are_sampled_on_step_one_and_every_nth_step_and_evaluation_is_not_checked()
    {
        using var scope = NewDisposeScope();
        var log = new StringWriter();
        var options = new CheckedOptions { Log = log };
        Assert.Equal(10, options.SampleEvery);
        var model = CheckedSequential.Create(options, ("fc", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("out", nn.Linear(16, 1)));
        using (no_grad())
        {
            ((Linear)model[0]).bias!.fill_(-100);
        }

        Train(model, model.Checker, 8, 1, steps: 25, new Generator(29));
        model.eval();
        model.call(ones(2, 8));
        model.train();
        using (no_grad())
        {
            model.call(ones(2, 8));
        }

        Assert.Equal(new long[] { 1, 11, 21 }, model.Findings.Where(f => f.Kind == FindingKind.DeadUnits).Select(f => f.Step));
        Assert.Equal((25L, 3L), (model.Checker.StepCount, model.Checker.SampledSteps));
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("'relu'") && l.Contains("dead ReLU units"));
        Assert.StartsWith("[step 1] NetTricks: 100% of the 16 units of 'relu'", lines[0]);

        string report = model.Report();
        Assert.Contains("25 steps, 3 sampled (step 1 and every 10 steps), 25 gradient checks", report);
        Assert.Contains("DeadUnits at 'relu': 3 times, steps 1-21", report);
        var error = Assert.Throws<TrainingFindingsException>(() => model.ThrowIfFindings());
        Assert.Equal(model.Findings.Count, error.Findings.Count);
        Assert.Equal(report, error.Message);

        model.Checker.ClearFindings();
        Assert.Empty(model.Findings);
    }

    [Fact]
    public void The_report_says_when_gradients_were_never_checked()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("fc", nn.Linear(2, 2)), ("relu", nn.ReLU())).Checked(Quiet());
        model.call(ones(3, 2)).sum().backward();

        Assert.Contains("Gradients were not checked: call AfterBackward()", model.Report());
    }

    [Fact]
    public void Checking_leaks_no_tensors_across_steps_with_or_without_a_dispose_scope()
    {
        var model = CheckedSequential.Create(Quiet(),
            ("fc1", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("block", nn.Sequential(("fc2", nn.Linear(16, 16)), ("tanh", nn.Tanh()))), ("out", nn.Linear(16, 1)));
        var custom = new CallNet().Checked(Quiet());
        var generator = new Generator(30);
        Train(model, model.Checker, 8, 1, steps: 2, generator);
        Train(custom, custom.Checker, 6, 1, steps: 2, generator);
        long live = LiveTensors;

        Train(model, model.Checker, 8, 1, steps: 12, generator);
        Train(custom, custom.Checker, 6, 1, steps: 12, generator);
        Assert.Equal(live, LiveTensors);

        // Without a scope nothing disposes the checker's temporaries but the checker itself: a checked model leaves
        // exactly what the unchecked model leaves (CallNet's forward body does not dispose its intermediates).
        var plainSequential = nn.Sequential(
            ("fc1", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("block", nn.Sequential(("fc2", nn.Linear(16, 16)), ("tanh", nn.Tanh()))), ("out", nn.Linear(16, 1)));
        var plainCustom = new CallNet();
        Assert.Equal(UnscopedLeak(plainSequential, null, 8, generator), UnscopedLeak(model, model.Checker, 8, generator));
        Assert.Equal(UnscopedLeak(plainCustom, null, 6, generator), UnscopedLeak(custom, custom.Checker, 6, generator));
    }

    private static long UnscopedLeak(nn.Module<Tensor, Tensor> model, TrainingChecker? checker, long inputs, Generator generator)
    {
        for (int round = 0; round < 2; round++)
        {
            long before = LiveTensors;
            for (int step = 0; step < 10; step++)
            {
                model.zero_grad();
                using var x = randn(new long[] { 16, inputs }, generator: generator);
                using var output = model.call(x);
                using var loss = output.sum();
                loss.backward();
                checker?.AfterBackward();
            }
            if (round == 1)
            {
                return LiveTensors - before; // round 0 warms up (gradients, cached projections)
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    [Fact]
    public void Options_reject_thresholds_outside_their_range()
    {
        var options = new CheckedOptions();
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => options.SampleEvery = 0).Message);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => options.DeadUnitFraction = 1.5).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.SaturationBound = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.VanishingGradientRatio = 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ExplodingGradientRatio = 0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.DriftFactor = double.PositiveInfinity);
        Assert.Equal((0.7, 5.0, 0.5, 1e-3, 70.0), (options.DeadUnitFraction, options.SaturationBound, options.SaturatedFraction,
            options.VanishingGradientRatio, options.ExplodingGradientRatio));
        Assert.Contains("used twice", Assert.Throws<ArgumentException>(() =>
            CheckedSequential.Create(("a", nn.ReLU()), ("a", nn.ReLU()))).Message);
    }

    internal static CheckedOptions Quiet(int sampleEvery = 1) => new() { SampleEvery = sampleEvery, Log = null };

    /// <summary>SGD steps on random regression targets, with a dispose scope per step and the checked optimizer step.</summary>
    internal static void Train(nn.Module<Tensor, Tensor> model, TrainingChecker checker, long inputs, long outputs, int steps, Generator generator, double inputScale = 1)
    {
        var optimizer = optim.SGD(model.parameters(), 0.01);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var x = randn(new long[] { 32, inputs }, generator: generator) * inputScale;
            var y = randn(new long[] { 32, outputs }, generator: generator);
            nn.functional.mse_loss(model.call(x), y).backward();
            checker.Step(optimizer);
        }
    }
}
