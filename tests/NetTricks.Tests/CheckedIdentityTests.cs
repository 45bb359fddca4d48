using System;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NetTricks.Tests.CheckedLayersTests;
using static TorchSharp.torch;

namespace NetTricks.Tests;

// torch.manual_seed drives Dropout in both models: these tests run alone.
[Collection(GlobalStateCollection.Name)]
public sealed class CheckedIdentityTests
{
    private static Sequential MakeSequential() => nn.Sequential(
        ("fc1", nn.Linear(12, 32)), ("relu", nn.ReLU()), ("drop", nn.Dropout(0.3)),
        ("block", nn.Sequential(("fc2", nn.Linear(32, 32)), ("tanh", nn.Tanh()))),
        ("fc3", nn.Linear(32, 16)), ("sigmoid", nn.Sigmoid()), ("out", nn.Linear(16, 3)));

    private sealed class CustomNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(12, 32);
        private readonly ReLU relu = nn.ReLU();
        private readonly Dropout drop = nn.Dropout(0.3);
        private readonly Sequential block = nn.Sequential(("fc2", nn.Linear(32, 32)), ("tanh", nn.Tanh()));
        private readonly Linear fc3 = nn.Linear(32, 16);
        private readonly Linear out_ = nn.Linear(16, 3);

        public CustomNet() : base(nameof(CustomNet))
        {
            RegisterComponents();
        }

        // Mixed call() and forward(), and a functional op in the body.
        public override Tensor forward(Tensor x) =>
            out_.forward(nn.functional.silu(fc3.call(block.call(drop.call(relu.call(fc1.forward(x)))))));
    }

    [Fact]
    public void Checked_sequential_gives_bitwise_identical_outputs_and_gradients_to_the_unchecked_model()
    {
        using var scope = NewDisposeScope();
        var plain = MakeSequential();
        var copy = MakeSequential();
        Init.ForActivations(plain, new InitOptions { Generator = new Generator(1) });
        Init.ForActivations(copy, new InitOptions { Generator = new Generator(1) });
        var checkedModel = copy.Checked(Quiet(sampleEvery: 1)); // every check on every step: the most interference

        AssertTrainsIdentically(plain, checkedModel, checkedModel.Checker);

        Assert.Equal(6, checkedModel.Checker.SampledSteps);
        Assert.Equal(plain.named_parameters().Select(p => p.name), checkedModel.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Checked_custom_model_gives_bitwise_identical_outputs_and_gradients_to_the_unchecked_model()
    {
        using var scope = NewDisposeScope();
        var plain = new CustomNet();
        var inner = new CustomNet();
        Init.ForActivations(plain, new InitOptions { Generator = new Generator(2) });
        Init.ForActivations(inner, new InitOptions { Generator = new Generator(2) });
        var checkedModel = inner.Checked(Quiet(sampleEvery: 1));

        AssertTrainsIdentically(plain, checkedModel, checkedModel.Checker);

        Assert.Equal(6, checkedModel.Checker.GradientChecks);
    }

    [Fact]
    public void Checked_model_is_transparent_for_parameters_state_dict_save_load_and_modes()
    {
        using var scope = NewDisposeScope();
        var inner = new CustomNet();
        var checkedModel = inner.Checked(Quiet());

        Assert.Equal(inner.named_parameters().Select(p => p.name), checkedModel.named_parameters().Select(p => p.name));
        Assert.True(inner.parameters().Zip(checkedModel.parameters()).All(pair => ReferenceEquals(pair.First, pair.Second)));
        Assert.Equal(inner.state_dict().Keys, checkedModel.state_dict().Keys);
        Assert.Same(inner, checkedModel.Model);

        string path = Path.Combine(Path.GetTempPath(), $"nettricks-checked-{Guid.NewGuid():N}.bin");
        try
        {
            checkedModel.save(path);
            var reloaded = new CustomNet();
            reloaded.load(path);
            Assert.True(reloaded.parameters().Zip(inner.parameters()).All(pair => pair.First.equal(pair.Second).all().item<bool>()));

            var fresh = new CustomNet().Checked(Quiet());
            fresh.load(path);
            Assert.True(fresh.parameters().Zip(inner.parameters()).All(pair => pair.First.equal(pair.Second).all().item<bool>()));
        }
        finally
        {
            File.Delete(path);
        }

        checkedModel.eval();
        Assert.False(inner.training);
        checkedModel.train();
        Assert.True(inner.training);
        Assert.Same(checkedModel, checkedModel.Checked());
    }

    private static void AssertTrainsIdentically(nn.Module<Tensor, Tensor> plain, nn.Module<Tensor, Tensor> checkedModel, TrainingChecker checker)
    {
        var plainParameters = plain.named_parameters().ToList();
        var checkedParameters = checkedModel.named_parameters().ToList();
        Assert.Equal(plainParameters.Count, checkedParameters.Count);
        AssertAllBitwiseEqual(plainParameters, checkedParameters, p => p, "initial weight");

        var plainOptimizer = optim.SGD(plain.parameters(), 0.05, momentum: 0.9);
        var checkedOptimizer = optim.SGD(checkedModel.parameters(), 0.05, momentum: 0.9);
        var data = new Generator(3);
        for (int step = 0; step < 6; step++)
        {
            using var stepScope = NewDisposeScope();
            var x = randn(new long[] { 24, 12 }, generator: data);
            var y = randn(new long[] { 24, 3 }, generator: data);

            manual_seed(100 + step);
            plainOptimizer.zero_grad();
            var plainOutput = plain.call(x);
            nn.functional.mse_loss(plainOutput, y).backward();

            manual_seed(100 + step);
            checkedOptimizer.zero_grad();
            var checkedOutput = checkedModel.call(x);
            nn.functional.mse_loss(checkedOutput, y).backward();
            checker.AfterBackward();

            AssertBitwiseEqual(plainOutput, checkedOutput, $"output at step {step + 1}");
            AssertAllBitwiseEqual(plainParameters, checkedParameters, p => p.grad!, $"gradient at step {step + 1}");
            plainOptimizer.step();
            checkedOptimizer.step();
        }
        AssertAllBitwiseEqual(plainParameters, checkedParameters, p => p, "trained weight");
        Assert.Empty(checker.Findings);
    }

    private static void AssertAllBitwiseEqual(
        System.Collections.Generic.List<(string name, Parameter parameter)> expected,
        System.Collections.Generic.List<(string name, Parameter parameter)> actual,
        Func<Parameter, Tensor> select, string what)
    {
        foreach (var ((name, e), (_, a)) in expected.Zip(actual))
        {
            AssertBitwiseEqual(select(e), select(a), $"{what} of {name}");
        }
    }

    private static void AssertBitwiseEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.True(equal(expected, actual).all().item<bool>(), $"{what}: torch.equal is false");
        Assert.True(expected.contiguous().bytes.SequenceEqual(actual.contiguous().bytes), $"{what}: bytes differ");
    }
}
