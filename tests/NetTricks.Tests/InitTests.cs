using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NetTricks.Tests;

public sealed class InitTests
{
    // Sample std of n i.i.d. draws has relative standard error ~ 1/sqrt(2n): 0.1% for 512×1024, so 2% is ~20 sigma.
    private const double StdTolerance = 0.02;

    public static IEnumerable<object[]> Initializers()
    {
        double he = Math.Sqrt(2.0 / 1024);
        double xavier = Math.Sqrt(2.0 / (1024 + 512));
        double lecun = Math.Sqrt(1.0 / 1024);
        yield return new object[] { "HeNormal ReLU", he };
        yield return new object[] { "HeUniform ReLU", he };
        yield return new object[] { "HeNormal LeakyReLU 0.2", Math.Sqrt(2.0 / (1 + 0.04)) / Math.Sqrt(1024) };
        yield return new object[] { "HeNormal GELU", 1.5335304411955668 / Math.Sqrt(1024) };
        yield return new object[] { "XavierNormal gain 5/3", 5.0 / 3.0 * xavier };
        yield return new object[] { "XavierUniform gain 1", xavier };
        yield return new object[] { "LeCunNormal", lecun };
        yield return new object[] { "LeCunUniform", lecun };
        yield return new object[] { "ForActivation SELU", lecun };
        yield return new object[] { "ForActivation Tanh uniform", 5.0 / 3.0 * xavier };
        yield return new object[] { "ForActivation SiLU", 1.676532470331127 / Math.Sqrt(1024) };
    }

    [Theory]
    [MemberData(nameof(Initializers))]
    public void Standard_deviation_of_a_large_linear_weight_matches_the_theory(string initializer, double expectedStd)
    {
        using var scope = NewDisposeScope();
        var weight = empty(512, 1024); // Linear(1024 -> 512): fan_in 1024, fan_out 512
        var generator = new Generator(11);
        var returned = initializer switch
        {
            "HeNormal ReLU" => Init.HeNormal(weight, generator: generator),
            "HeUniform ReLU" => Init.HeUniform(weight, Activation.ReLU, generator: generator),
            "HeNormal LeakyReLU 0.2" => Init.HeNormal(weight, Activation.LeakyReLU, 0.2, generator),
            "HeNormal GELU" => Init.HeNormal(weight, Activation.GELU, generator: generator),
            "XavierNormal gain 5/3" => Init.XavierNormal(weight, 5.0 / 3.0, generator),
            "XavierUniform gain 1" => Init.XavierUniform(weight, generator: generator),
            "LeCunNormal" => Init.LeCunNormal(weight, generator),
            "LeCunUniform" => Init.LeCunUniform(weight, generator),
            "ForActivation SELU" => Init.ForActivation(weight, Activation.SELU, generator: generator),
            "ForActivation Tanh uniform" => Init.ForActivation(weight, Activation.Tanh, distribution: InitDistribution.Uniform, generator: generator),
            "ForActivation SiLU" => Init.ForActivation(weight, Activation.SiLU, generator: generator),
            _ => throw new ArgumentOutOfRangeException(nameof(initializer)),
        };

        Assert.Same(weight, returned);
        Assert.InRange(weight.std().item<float>(), expectedStd * (1 - StdTolerance), expectedStd * (1 + StdTolerance));
        Assert.InRange(Math.Abs(weight.mean().item<float>()), 0, 0.01 * expectedStd); // ~7 standard errors
        if (initializer.Contains("Uniform") || initializer.Contains("uniform"))
        {
            double bound = Math.Sqrt(3) * expectedStd;
            Assert.InRange(weight.abs().max().item<float>(), bound * 0.99, bound * (1 + 1e-6));
        }
    }

    [Fact]
    public void Conv_weights_use_the_receptive_field_in_both_fans()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(64, 128, 3);
        Assert.Equal((64L * 9, 128L * 9), Init.Fans(conv.weight));
        Assert.Equal((16L * 5, 8L * 5), Init.Fans(nn.Conv1d(16, 8, 5).weight));
        Assert.Equal((7L, 3L), Init.Fans(nn.Linear(7, 3).weight));

        Init.HeNormal(conv.weight, generator: new Generator(3));
        double expected = Math.Sqrt(2.0 / (64 * 9)); // 73 728 draws: relative standard error 0.26%
        Assert.InRange(conv.weight.std().item<float>(), expected * 0.97, expected * 1.03);

        Init.XavierNormal(conv.weight, generator: new Generator(4));
        expected = Math.Sqrt(2.0 / (64 * 9 + 128 * 9));
        Assert.InRange(conv.weight.std().item<float>(), expected * 0.97, expected * 1.03);
    }

    [Theory]
    [InlineData(64, 256, 1.0)]
    [InlineData(256, 64, 1.0)]
    [InlineData(100, 100, 2.0)]
    public void Orthogonal_gives_orthonormal_rows_or_columns_scaled_by_the_gain(long rows, long columns, double gain)
    {
        using var scope = NewDisposeScope();
        var weight = empty(rows, columns);
        Init.Orthogonal(weight, gain, new Generator(5));

        var gram = rows <= columns ? weight.matmul(weight.t()) : weight.t().matmul(weight);
        var expected = eye(Math.Min(rows, columns)) * (gain * gain);
        Assert.True((gram - expected).abs().max().item<float>() < 1e-4, $"W Wᵀ differs from {gain * gain} I by {(gram - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Orthogonal_conv_weight_has_orthonormal_flattened_filters()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(16, 32, 3); // 32 filters of 16·3·3 = 144 values each
        Init.Orthogonal(conv.weight, generator: new Generator(6));
        var flat = conv.weight.detach().flatten(1);
        var gram = flat.matmul(flat.t());
        Assert.True((gram - eye(32)).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void The_same_generator_seed_reproduces_the_weights_and_another_seed_does_not()
    {
        using var scope = NewDisposeScope();
        var a = Init.HeNormal(empty(32, 16), generator: new Generator(42));
        var b = Init.HeNormal(empty(32, 16), generator: new Generator(42));
        var c = Init.HeNormal(empty(32, 16), generator: new Generator(43));
        var d = Init.Orthogonal(empty(8, 16), generator: new Generator(42));
        var e = Init.Orthogonal(empty(8, 16), generator: new Generator(42));

        Assert.True(a.bytes.SequenceEqual(b.bytes));
        Assert.False(a.bytes.SequenceEqual(c.bytes));
        Assert.True(d.bytes.SequenceEqual(e.bytes));
    }

    [Fact]
    public void Initializers_work_in_place_under_no_grad_on_parameters()
    {
        using var scope = NewDisposeScope();
        var linear = nn.Linear(8, 4);
        var weight = linear.weight;
        Init.HeUniform(linear.weight);
        Init.Orthogonal(linear.weight);

        Assert.Same(weight, linear.weight);
        Assert.True(linear.weight.requires_grad);
        Assert.True(linear.weight.is_leaf);
    }

    [Fact]
    public void Gains_match_pytorch_and_the_second_moment_of_the_activation()
    {
        Assert.Equal(Math.Sqrt(2), Init.Gain(Activation.ReLU), 12);
        Assert.Equal(Math.Sqrt(2 / 1.0001), Init.Gain(Activation.LeakyReLU), 12);
        Assert.Equal(Math.Sqrt(2 / 1.04), Init.Gain(Activation.LeakyReLU, 0.2), 12);
        Assert.Equal(5.0 / 3.0, Init.Gain(Activation.Tanh), 12);
        Assert.Equal(1.0, Init.Gain(Activation.Sigmoid));
        Assert.Equal(1.0, Init.Gain(Activation.SELU));
        Assert.Equal(1.0, Init.Gain(Activation.None));

        // He's condition gain² · E[f(z)²] = 1 for z ~ N(0, 1), checked against torch's own activations.
        using var scope = NewDisposeScope();
        var z = randn(new long[] { 2_000_000 }, dtype: ScalarType.Float64, generator: new Generator(9));
        Assert.Equal(1.0, SecondMomentGainSquared(nn.functional.gelu(z), Activation.GELU), 2);
        Assert.Equal(1.0, SecondMomentGainSquared(nn.functional.silu(z), Activation.SiLU), 2);
        Assert.Equal(1.0, SecondMomentGainSquared(nn.functional.elu(z, 1.0), Activation.ELU), 2);
        Assert.Equal(1.0, SecondMomentGainSquared(nn.functional.elu(z, 0.5), Activation.ELU, 0.5), 2);
        Assert.Equal(1.0, SecondMomentGainSquared(nn.functional.relu(z), Activation.ReLU), 2);
    }

    private static double SecondMomentGainSquared(Tensor activated, Activation activation, double? parameter = null) =>
        activated.pow(2).mean().item<double>() * Math.Pow(Init.Gain(activation, parameter), 2);

    [Fact]
    public void Model_walk_picks_He_before_ReLU_Xavier_before_Tanh_and_zeroes_biases()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(
            ("fc1", nn.Linear(1024, 512)), ("relu", nn.ReLU()), ("drop", nn.Dropout(0.1)),
            ("fc2", nn.Linear(512, 512)), ("tanh", nn.Tanh()),
            ("out", nn.Linear(512, 10)));

        var plan = Init.ForActivations(model, new InitOptions { Generator = new Generator(1) });

        Assert.Equal(new[] { "fc1", "fc2", "out" }, plan.Select(e => e.Layer));
        Assert.Equal((Activation.ReLU, InitMethod.He), (plan["fc1"].FollowedBy, plan["fc1"].Method));
        Assert.Equal((Activation.Tanh, InitMethod.Xavier), (plan["fc2"].FollowedBy, plan["fc2"].Method));
        Assert.Equal(5.0 / 3.0, plan["fc2"].Gain, 12);
        Assert.Equal((Activation.None, InitMethod.Xavier, 1.0), (plan["out"].FollowedBy, plan["out"].Method, plan["out"].Gain));
        Assert.Equal("output layer", plan["out"].Note);
        Assert.All(plan, e => Assert.True(e.BiasZeroed));
        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.EndsWith(".bias")))
        {
            Assert.True(parameter.eq(0).all().item<bool>(), $"{name} is not zero");
        }
        AssertStd(((Linear)model[0]).weight, Math.Sqrt(2.0 / 1024));
        AssertStd(((Linear)model[3]).weight, 5.0 / 3.0 * Math.Sqrt(2.0 / 1024));
        Assert.Equal(plan["fc1"].Std, Math.Sqrt(2.0 / 1024), 12);
        Assert.Contains("fc1 (Linear, fan_in 1024, fan_out 512): He normal for ReLU", plan.ToString());
    }

    [Fact]
    public void Model_walk_skips_pooling_and_flatten_reads_the_leaky_slope_and_honours_the_output_activation()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3)), ("pool", nn.MaxPool2d(2)), ("act", nn.ReLU()), ("flat", nn.Flatten()),
            ("fc", nn.Linear(8 * 3 * 3, 16)), ("leaky", nn.LeakyReLU(0.1)),
            ("head", nn.Linear(16, 1)));

        var plan = model.InitializeForActivations(new InitOptions
        {
            OutputActivation = Activation.Tanh,
            Distribution = InitDistribution.Uniform,
            Generator = new Generator(2),
        });

        Assert.Equal(InitMethod.He, plan["conv"].Method);
        Assert.Equal(Activation.ReLU, plan["conv"].FollowedBy);
        Assert.Equal(27, plan["conv"].FanIn);
        Assert.Equal(Math.Sqrt(2 / 1.01), plan["fc"].Gain, 12);
        Assert.Equal((Activation.Tanh, InitMethod.Xavier), (plan["head"].FollowedBy, plan["head"].Method));
        Assert.All(plan, e => Assert.Equal(InitDistribution.Uniform, e.Distribution));
    }

    private sealed class SeluNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(8, 8);
        private readonly ReLU act1 = nn.ReLU();
        private readonly Linear fc2 = nn.Linear(8, 8);
        private readonly SELU act2 = nn.SELU();
        private readonly Linear output = nn.Linear(8, 2);

        public SeluNet() : base(nameof(SeluNet))
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => output.call(act2.call(fc2.call(act1.call(fc1.call(x)))));
    }

    [Fact]
    public void Model_walk_follows_the_registration_order_of_a_custom_module()
    {
        using var scope = NewDisposeScope();
        var plan = Init.ForActivations(new SeluNet());

        Assert.Equal(new[] { "fc1", "fc2", "output" }, plan.Select(e => e.Layer));
        Assert.Equal(InitMethod.He, plan["fc1"].Method);
        Assert.Equal((Activation.SELU, InitMethod.LeCun), (plan["fc2"].FollowedBy, plan["fc2"].Method));
        Assert.Equal(InitMethod.Xavier, plan["output"].Method);
    }

    [Fact]
    public void Hidden_activation_and_overrides_apply_and_embeddings_are_kept()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("emb", nn.Embedding(10, 8)), ("fc1", nn.Linear(8, 8)), ("fc2", nn.Linear(8, 8)), ("fc3", nn.Linear(8, 2)));
        var embedding = ((Embedding)model[0]).weight!.detach().clone();

        var linearPlan = Init.ForActivations(model);
        Assert.Equal(InitMethod.Kept, linearPlan["emb"].Method);
        Assert.Equal((Activation.None, InitMethod.Xavier), (linearPlan["fc1"].FollowedBy, linearPlan["fc1"].Method));
        Assert.Contains("treated as linear", linearPlan["fc1"].Note);

        var options = new InitOptions { HiddenActivation = Activation.ReLU };
        options.Activations["fc2"] = Activation.GELU;
        var plan = Init.ForActivations(model, options);
        Assert.Equal(Activation.ReLU, plan["fc1"].FollowedBy);
        Assert.Equal(Activation.GELU, plan["fc2"].FollowedBy);
        Assert.Equal(Activation.None, plan["fc3"].FollowedBy);
        Assert.True(((Embedding)model[0]).weight!.equal(embedding).all().item<bool>(), "the embedding was re-initialised");
        Assert.Contains("emb (Embedding): kept", plan.ToString());

        options.Activations["nope"] = Activation.ReLU;
        var error = Assert.Throws<ArgumentException>(() => Init.ForActivations(model, options));
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("fc1, fc2, fc3", error.Message);
    }

    [Fact]
    public void Regression_output_bias_is_the_mean_of_the_targets()
    {
        using var scope = NewDisposeScope();
        var targets = tensor(new float[,] { { 1, 10, -4 }, { 3, 20, -4 }, { 5, 60, -4 } });
        var bias = zeros(3);
        Init.OutputBias(bias, targets, OutputHead.Regression);
        AssertClose(new[] { 3.0, 30.0, -4.0 }, bias);

        var model = nn.Sequential(("fc", nn.Linear(4, 8)), ("relu", nn.ReLU()), ("out", nn.Linear(8, 1)));
        Init.OutputBias(model, tensor(new float[] { 2, 4, 9 }), OutputHead.Regression);
        AssertClose(new[] { 5.0 }, ((Linear)model[2]).bias!);
    }

    [Fact]
    public void Sigmoid_output_bias_is_the_logit_of_the_mean_so_the_initial_prediction_is_the_base_rate()
    {
        using var scope = NewDisposeScope();
        var targets = tensor(new float[,] { { 1, 0 }, { 0, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } }); // means 0.2 and 0.6
        var bias = zeros(2);
        Init.OutputBias(bias, targets, OutputHead.Sigmoid);

        AssertClose(new[] { Math.Log(0.2 / 0.8), Math.Log(0.6 / 0.4) }, bias);
        AssertClose(new[] { 0.2, 0.6 }, bias.sigmoid());
    }

    [Fact]
    public void Softmax_output_bias_is_the_log_of_the_class_frequencies()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2 });
        var bias = zeros(4);
        Init.OutputBias(bias, labels, OutputHead.Softmax);

        AssertClose(new[] { Math.Log(0.6), Math.Log(0.3), Math.Log(0.1), Math.Log(1e-6) }, bias);
        AssertClose(new[] { 0.6, 0.3, 0.1, 0.0 }, bias.softmax(0), tolerance: 1e-5);

        var oneHot = nn.functional.one_hot(labels, 4).to_type(ScalarType.Float32);
        var fromOneHot = zeros(4);
        Init.OutputBias(fromOneHot, oneHot, OutputHead.Softmax);
        AssertClose(bias.data<float>().Select(v => (double)v).ToArray(), fromOneHot);
    }

    [Fact]
    public void Output_bias_rejects_targets_that_do_not_fit_with_clear_messages()
    {
        using var scope = NewDisposeScope();
        var message = Assert.Throws<ArgumentException>(() => Init.OutputBias(zeros(3), zeros(5), OutputHead.Regression)).Message;
        Assert.Contains("bias has 3 outputs", message);
        message = Assert.Throws<ArgumentException>(() => Init.OutputBias(zeros(1), tensor(new float[] { 0, 2 }), OutputHead.Sigmoid)).Message;
        Assert.Contains("[0, 1]", message);
        message = Assert.Throws<ArgumentException>(() => Init.OutputBias(zeros(2), tensor(new long[] { 0, 2 }), OutputHead.Softmax)).Message;
        Assert.Contains("[0, 1]", message);
        message = Assert.Throws<ArgumentException>(() => Init.OutputBias(nn.Sequential(("out", nn.Linear(2, 1, hasBias: false))), zeros(4), OutputHead.Regression)).Message;
        Assert.Contains("'out' has no bias", message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.OutputBias(zeros(1), zeros(4), OutputHead.Sigmoid, epsilon: 0));
    }

    [Fact]
    public void Initializers_reject_vectors_integer_tensors_and_bad_gains()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("1 dimension(s)", Assert.Throws<ArgumentException>(() => Init.HeNormal(zeros(4))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => Init.XavierNormal(zeros(new long[] { 2, 2 }, dtype: ScalarType.Int32))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.XavierNormal(zeros(2, 2), gain: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Orthogonal(zeros(2, 2), gain: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Gain(Activation.LeakyReLU, double.PositiveInfinity));
        Assert.Throws<ArgumentNullException>(() => Init.ForActivations(null!));
    }

    private static void AssertStd(Tensor weight, double expected) =>
        Assert.InRange(weight.std().item<float>(), expected * (1 - StdTolerance * 2), expected * (1 + StdTolerance * 2));

    private static void AssertClose(double[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var values = actual.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {values[i]}");
        }
    }
}
