using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NetTricks.Tests;

[Collection(GlobalStateCollection.Name)]
public class GradientCheckerModuleTests
{
    private static Tensor Randn(Generator generator, params long[] shape) => torch.randn(shape, dtype: float64, generator: generator);

    // Every parameter and buffer: the same object, same dtype, bit for bit the same values.
    private static List<(string Name, Tensor Tensor, byte[] Bytes, ScalarType DType)> Snapshot(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.bytes.ToArray(), p.parameter.dtype))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer, b.buffer.bytes.ToArray(), b.buffer.dtype)))
            .ToList();

    private static void AssertRestored(List<(string Name, Tensor Tensor, byte[] Bytes, ScalarType DType)> before, nn.Module module)
    {
        var after = Snapshot(module);
        Assert.Equal(before.Select(b => b.Name), after.Select(a => a.Name));
        foreach (var (b, a) in before.Zip(after))
        {
            Assert.Same(b.Tensor, a.Tensor);
            Assert.Equal(b.DType, a.DType);
            Assert.True(b.Bytes.SequenceEqual(a.Bytes), $"'{b.Name}' changed");
        }
    }

    [Fact]
    public void Linear_passes_and_is_restored_exactly()
    {
        var generator = new torch.Generator(11, torch.CPU);
        var linear = nn.Linear(3, 2, dtype: float64);
        var x = Randn(generator, 4, 3);
        var before = Snapshot(linear);

        var result = GradientChecker.CheckModule(linear, x);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(new[] { "weight", "bias" }, result.Tensors.Select(t => t.Name));
        Assert.Equal(8, result.ElementsChecked);
        Assert.Equal(8 * 8, result.Comparisons); // 8 output elements x 8 parameters
        Assert.True(linear.training); // eval() during the check, train() again after
        AssertRestored(before, linear);
        Assert.True(linear.weight!.grad is null || linear.weight.grad.IsInvalid, "the checker must not touch .grad");
    }

    [Fact]
    public void Conv2d_passes_for_parameters_and_input()
    {
        var generator = new torch.Generator(12, torch.CPU);
        var conv = nn.Conv2d(2, 3, 3, padding: 1, dtype: float64);
        var x = Randn(generator, 1, 2, 4, 4);
        var before = Snapshot(conv);

        var result = GradientChecker.CheckModule(conv, x, new GradientCheckOptions { CheckModuleInputs = true });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(new[] { "weight", "bias", "input" }, result.Tensors.Select(t => t.Name));
        Assert.Equal(54 + 3 + 32, result.ElementsChecked);
        AssertRestored(before, conv);
    }

    [Fact]
    public void Lstm_passes_on_outputs_and_final_states()
    {
        var generator = new torch.Generator(13, torch.CPU);
        var lstm = nn.LSTM(3, 4, dtype: float64);
        var x = Randn(generator, 3, 2, 3); // sequence 3, batch 2
        var before = Snapshot(lstm);

        var result = GradientChecker.CheckModule(
            lstm,
            xs =>
            {
                var (output, h, c) = lstm.call(xs[0], null);
                return torch.cat(new[] { output.reshape(-1), h.reshape(-1), c.reshape(-1) });
            },
            new[] { x });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }, result.Tensors.Select(t => t.Name));
        Assert.Equal(48 + 64 + 16 + 16, result.ElementsChecked);
        AssertRestored(before, lstm);
    }

    [Theory]
    [InlineData(1, GradientCheckMode.Full)]
    [InlineData(2, GradientCheckMode.Full)]
    [InlineData(1, GradientCheckMode.Fast)]
    [InlineData(2, GradientCheckMode.Fast)]
    public void Buggy_custom_function_inside_a_module_fails_naming_the_parameter_it_corrupts(int variant, GradientCheckMode mode)
    {
        var generator = new torch.Generator(14, torch.CPU);
        var layer = new CubeLayer(variant, generator);
        var x = Randn(generator, 3, 4);
        var before = Snapshot(layer);

        var result = GradientChecker.CheckModule(layer, x, new GradientCheckOptions { Mode = mode });

        Assert.False(result.Passed);
        Assert.All(result.Mismatches, m => Assert.Equal("scale", m.TensorName));
        Assert.Equal(GradientCheckTensorKind.Parameter, result.WorstMismatch!.Kind);
        Assert.True(result.Tensors.Single(t => t.Name == "scale").Mismatches > 0);
        Assert.Equal(0, result.Tensors.Single(t => t.Name == "shift").Mismatches); // its gradient does not pass through the cube
        Assert.Contains("parameter 'scale'", result.ToString());
        if (mode == GradientCheckMode.Full)
        {
            Assert.NotNull(result.WorstMismatch.Index);
        }
        AssertRestored(before, layer);

        var correct = GradientChecker.CheckModule(new CubeLayer(0, generator), x, new GradientCheckOptions { Mode = mode });
        Assert.True(correct.Passed, correct.ToString());
    }

    [Fact]
    public void Fast_mode_checks_a_100k_parameter_mlp_in_a_handful_of_passes_and_names_a_corrupted_tensor()
    {
        var generator = new torch.Generator(15, torch.CPU);
        var mlp = nn.Sequential(
            ("fc1", nn.Linear(64, 256, dtype: float64)), ("act1", nn.Tanh()),
            ("fc2", nn.Linear(256, 256, dtype: float64)), ("act2", nn.Tanh()),
            ("fc3", nn.Linear(256, 64, dtype: float64)), ("act3", nn.Tanh()),
            ("fc4", nn.Linear(64, 10, dtype: float64)));
        var x = Randn(generator, 4, 64);
        var before = Snapshot(mlp);
        var options = new GradientCheckOptions { Mode = GradientCheckMode.Fast };

        var result = GradientChecker.CheckModule(mlp, x, options);
        // The same parameters, computed with fc3's bias going through a custom function whose backward is wrong.
        var layers = mlp.children().OfType<Linear>().ToArray();
        var broken = GradientChecker.CheckModule(
            mlp,
            xs =>
            {
                var h = nn.functional.tanh(layers[0].call(xs[0]));
                h = nn.functional.tanh(layers[1].call(h));
                h = nn.functional.tanh(h.matmul(layers[2].weight!.t()) + CubeWrongFactor.apply(layers[2].bias!));
                return layers[3].call(h);
            },
            new[] { x },
            options);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(99_530, result.ElementsChecked);
        Assert.Equal(3, result.BackwardPasses);
        Assert.Equal(2 + 3 * 8 * 2, result.ForwardPasses); // 3 projections x 8 tensors x 2
        Assert.False(broken.Passed);
        Assert.True(broken.Mismatches.All(m => m.TensorName == "fc3.bias"), broken.ToString());
        Assert.Equal(3, broken.MismatchCount);
        AssertRestored(before, mlp);
    }

    [Fact]
    public void Fast_mode_names_the_one_broken_tensor_among_many()
    {
        var generator = new torch.Generator(16, torch.CPU);
        var fc1 = nn.Linear(32, 64, dtype: float64);
        var fc2 = nn.Linear(64, 8, dtype: float64);
        var model = nn.Sequential(("fc1", fc1), ("act", nn.Tanh()), ("fc2", fc2));
        using (torch.no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                parameter.copy_(Randn(generator, parameter.shape) * 0.2);
            }
        }
        var x = Randn(generator, 5, 32);

        // fc1's bias is used through a cube with the sign-error backward.
        var result = GradientChecker.CheckModule(
            model,
            xs => fc2.call(nn.functional.tanh(xs[0].matmul(fc1.weight!.t()) + CubeSignError.apply(fc1.bias!))),
            new[] { x },
            new GradientCheckOptions { Mode = GradientCheckMode.Fast, ProjectPerTensor = false });

        Assert.False(result.Passed);
        Assert.True(result.Mismatches.All(m => m.TensorName == "fc1.bias"), result.ToString());
        // One joint direction per projection, re-checked tensor by tensor where it fails. (A small tensor's error can hide
        // in the joint derivative of a projection, which is why one direction per tensor is the default.)
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, result.Tensors.Select(t => t.Name));
        Assert.True(result.Tensors[1].Mismatches > 0);
        Assert.Equal(0, result.Tensors[0].Mismatches + result.Tensors[2].Mismatches + result.Tensors[3].Mismatches);
    }

    [Fact]
    public void Float32_module_is_refused_naming_its_parameters()
    {
        var linear = nn.Linear(3, 2);
        var x = torch.randn(2, 3, dtype: float64);

        var error = Assert.Throws<ArgumentException>(() => GradientChecker.CheckModule(linear, x));

        Assert.Contains("parameter 'weight' is Float32, parameter 'bias' is Float32", error.Message);
        Assert.Contains("ConvertToFloat64", error.Message);
        Assert.Contains("dtype: torch.float64", error.Message);
    }

    [Fact]
    public void Opt_in_conversion_checks_float64_copies_and_hands_back_the_original_float32_parameters()
    {
        var model = nn.Sequential(("fc1", nn.Linear(3, 4)), ("act", nn.Tanh()), ("norm", nn.BatchNorm1d(4)), ("fc2", nn.Linear(4, 2)));
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var x = torch.randn(5, 3); // float32 too
        var before = Snapshot(model);

        var result = GradientChecker.CheckModule(model, x, new GradientCheckOptions { ConvertToFloat64 = true });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal("Float32", result.Tensors.First().DType);
        Assert.Contains(result.Notes, n => n.StartsWith("ConvertToFloat64"));
        AssertRestored(before, model);
        // The optimizer still holds the module's parameters: a step changes what the module computes with.
        var weight = model.named_parameters().First().parameter;
        var old = weight.detach().clone();
        optimizer.zero_grad();
        model.call(x).pow(2).sum().backward();
        optimizer.step();
        Assert.False(old.bytes.SequenceEqual(weight.bytes));
    }

    [Fact]
    public void Opt_in_conversion_refuses_modules_whose_parameters_live_in_libtorch()
    {
        var lstm = nn.LSTM(3, 4);
        var x = torch.randn(2, 1, 3);
        var before = Snapshot(lstm);

        var error = Assert.Throws<NotSupportedException>(() =>
            GradientChecker.CheckModule(lstm, xs => lstm.call(xs[0], null).Item1, new[] { x }, new GradientCheckOptions { ConvertToFloat64 = true }));

        Assert.Contains("(LSTM)", error.Message);
        Assert.Contains("dtype: torch.float64", error.Message);
        AssertRestored(before, lstm);
    }

    [Fact]
    public void Training_modes_and_batch_norm_statistics_are_restored_and_dropout_is_replayed_in_train_mode()
    {
        var generator = new torch.Generator(17, torch.CPU);
        var model = nn.Sequential(
            ("fc", nn.Linear(3, 4, dtype: float64)), ("norm", nn.BatchNorm1d(4, dtype: float64)),
            ("drop", nn.Dropout(0.3)), ("out", nn.Linear(4, 2, dtype: float64)));
        model.train();
        model.named_modules().Single(m => m.name == "norm").module.eval(); // a frozen batch norm inside a training model
        var x = Randn(generator, 6, 3);
        var before = Snapshot(model);
        var modes = model.named_modules().Select(m => m.module.training).Prepend(model.training).ToList();

        var train = GradientChecker.CheckModule(model, x, new GradientCheckOptions { ModuleMode = GradientCheckModuleMode.Train });
        var eval = GradientChecker.CheckModule(model, x);

        Assert.True(train.Passed, train.ToString());
        Assert.True(eval.Passed, eval.ToString());
        Assert.Contains(train.Notes, n => n.Contains("norm.running_mean"));
        AssertRestored(before, model);
        Assert.Equal(modes, model.named_modules().Select(m => m.module.training).Prepend(model.training).ToList());
    }

    [Fact]
    public void Module_is_restored_when_the_forward_throws_in_the_middle_of_the_check()
    {
        var generator = new torch.Generator(20, torch.CPU);
        var model = nn.Sequential(("fc", nn.Linear(4, 3, dtype: float64)), ("drop", nn.Dropout(0.5)));
        model.train();
        var x = Randn(generator, 2, 4);
        var before = Snapshot(model);
        int calls = 0;

        var error = Assert.Throws<InvalidOperationException>(() => GradientChecker.CheckModule(
            model,
            xs => ++calls == 9 ? throw new InvalidOperationException("forward failed") : model.call(xs[0]),
            new[] { x }));

        Assert.Equal("forward failed", error.Message);
        Assert.Equal(9, calls); // in the middle of the element perturbations
        AssertRestored(before, model);
        Assert.True(model.training);
        Assert.True(model.children().All(m => m.training));
    }

    [Fact]
    public void Parameters_without_gradient_are_reported_unused_or_cut_off()
    {
        var generator = new torch.Generator(18, torch.CPU);
        var x = Randn(generator, 4, 3);

        var fine = GradientChecker.CheckModule(new LeakyGraphLayer(detachWeight: false, generator), x);
        var cut = GradientChecker.CheckModule(new LeakyGraphLayer(detachWeight: true, generator), x);
        var frozen = new LeakyGraphLayer(detachWeight: false, generator);
        frozen.named_parameters().Single(p => p.name == "unused").parameter.requires_grad_(false);
        var skipped = GradientChecker.CheckModule(frozen, x, new GradientCheckOptions { ParameterFilter = name => name != "weight", CheckModuleInputs = true });

        Assert.True(fine.Passed, fine.ToString());
        Assert.Equal(GradientCheckTensorStatus.Unused, fine.Tensors.Single(t => t.Name == "unused").Status);
        Assert.Contains(fine.Notes, n => n.Contains("parameter 'unused' received no gradient (None)"));

        Assert.False(cut.Passed);
        Assert.All(cut.Mismatches, m => Assert.True(m.NoGradient && m.TensorName == "weight" && m.Analytic == 0));
        Assert.Contains("received no gradient (None) although the output depends on it", cut.ToString());

        Assert.True(skipped.Passed, skipped.ToString());
        Assert.Equal(
            new[] { GradientCheckTensorStatus.Filtered, GradientCheckTensorStatus.DoesNotRequireGrad, GradientCheckTensorStatus.Checked },
            skipped.Tensors.Select(t => t.Status));
    }

    [Fact]
    public void Checks_leave_no_tensors_behind()
    {
        var generator = new torch.Generator(21, torch.CPU);
        var model = nn.Sequential(("fc1", nn.Linear(3, 4)), ("act", nn.ReLU()), ("norm", nn.BatchNorm1d(4)), ("fc2", nn.Linear(4, 2)));
        var x = torch.randn(new long[] { 5, 3 }, generator: generator);
        var point = torch.tensor(new[] { -1.0, 0.0, 2.0 }, dtype: float64).requires_grad_();
        GradientChecker.CheckModule(model, x, new GradientCheckOptions { ConvertToFloat64 = true }); // warm-up: lazily created tensors
        long live = TestSupport.LiveTensors;

        GradientChecker.CheckModule(model, x, new GradientCheckOptions { ConvertToFloat64 = true, ModuleMode = GradientCheckModuleMode.Train });
        GradientChecker.CheckModule(model, x, new GradientCheckOptions { ConvertToFloat64 = true, Mode = GradientCheckMode.Fast });
        GradientChecker.CheckAutogradFunction<CubeWrongFactor>(point);
        GradientChecker.Check(t => nn.functional.relu(t), point, new GradientCheckOptions { Mode = GradientCheckMode.Fast });

        Assert.Equal(live, TestSupport.LiveTensors);
    }

    [Fact]
    public void Sampled_full_mode_checks_the_requested_number_of_elements_per_tensor()
    {
        var generator = new torch.Generator(19, torch.CPU);
        var linear = nn.Linear(20, 3, dtype: float64);

        var result = GradientChecker.CheckModule(linear, Randn(generator, 2, 20), new GradientCheckOptions { MaxElementsPerTensor = 7 });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(new long[] { 7, 3 }, result.Tensors.Select(t => t.ElementsChecked));
        Assert.Equal(2 + 2 * 10, result.ForwardPasses);
        Assert.Contains("7 of 60 elements checked", result.ToString());
    }
}

/// <summary>y = cube(x · scale) + shift with a choice of cube function: only <c>scale</c>'s gradient goes through the cube's backward.</summary>
internal sealed class CubeLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter scale;
    private readonly Parameter shift;
    private readonly int variant;

    /// <param name="variant">0: correct cube, 1: wrong factor, 2: sign error.</param>
    public CubeLayer(int variant, Generator generator) : base(nameof(CubeLayer))
    {
        this.variant = variant;
        scale = new Parameter(torch.rand(new long[] { 4 }, dtype: float64, generator: generator) + 0.5);
        shift = new Parameter(torch.randn(new long[] { 4 }, dtype: float64, generator: generator));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var scaled = input * scale;
        var cubed = variant switch
        {
            1 => CubeWrongFactor.apply(scaled),
            2 => CubeSignError.apply(scaled),
            _ => Cube.apply(scaled),
        };
        return cubed + shift;
    }
}

/// <summary>A linear layer with an extra parameter the forward never uses and, optionally, its weight detached.</summary>
internal sealed class LeakyGraphLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter unused;
    private readonly bool detachWeight;

    public LeakyGraphLayer(bool detachWeight, Generator generator) : base(nameof(LeakyGraphLayer))
    {
        this.detachWeight = detachWeight;
        weight = new Parameter(torch.randn(new long[] { 2, 3 }, dtype: float64, generator: generator));
        unused = new Parameter(torch.randn(new long[] { 5 }, dtype: float64, generator: generator));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => input.matmul((detachWeight ? weight.detach() : weight).t());
}
