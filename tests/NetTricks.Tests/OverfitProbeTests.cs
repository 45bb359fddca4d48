using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetTricks.Tests;

// Layer initialisation draws from torch's global generator: seeded, so these run alone.
[Collection(GlobalStateCollection.Name)]
public sealed class OverfitProbeTests
{
    private readonly ITestOutputHelper output;

    public OverfitProbeTests(ITestOutputHelper output)
    {
        this.output = output;
        manual_seed(2024);
    }

    private static (Tensor X, Tensor Y) Classification(int count, ulong seed)
    {
        var generator = new Generator(seed);
        return (randn(new long[] { count, 8 }, generator: generator), randint(3, new long[] { count }, generator: generator));
    }

    private static Sequential Mlp() =>
        nn.Sequential(("l1", nn.Linear(8, 32)), ("a1", nn.ReLU()), ("l2", nn.Linear(32, 32)), ("a2", nn.ReLU()), ("out", nn.Linear(32, 3)));

    // A model whose forward returns a detached output: the loss can be computed but no gradient flows back.
    private sealed class DetachedOutput : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential net = Mlp();

        public DetachedOutput() : base(nameof(DetachedOutput)) => RegisterComponents();

        public override Tensor forward(Tensor input) => net.call(input).detach();
    }

    // Only the head trains: the body's output is detached before the head.
    private sealed class DetachedBody : nn.Module<Tensor, Tensor>
    {
        private readonly Linear body = nn.Linear(8, 64);
        private readonly Linear head = nn.Linear(64, 3);

        public DetachedBody() : base(nameof(DetachedBody)) => RegisterComponents();

        public override Tensor forward(Tensor input) => head.call(nn.functional.relu(body.call(input)).detach());
    }

    private static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.SequenceEqual(b.contiguous().bytes);

    [Fact]
    public void Healthy_mlp_fits_two_small_batches_and_is_left_as_it_was()
    {
        var (x1, y1) = Classification(16, 1);
        var (x2, y2) = Classification(16, 2);
        var model = Mlp();
        var optimizer = optim.Adam(model.parameters(), 0.01);
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

        var result = OverfitProbe.Run(model, optimizer, (x, y) => nn.functional.cross_entropy(model.call(x), y), new[] { (x1, y1), (x2, y2) });

        output.WriteLine(result.ToString());
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(OverfitProbeDiagnosis.None, result.Diagnosis);
        Assert.True(result.FinalLoss <= 0.01 * result.InitialLoss);
        Assert.InRange(result.Steps, 2, 500);
        Assert.Equal(result.Steps, result.Losses.Count);
        Assert.Empty(result.ParametersWithoutGradient);
        Assert.All(model.state_dict(), kv => Assert.True(BitwiseEqual(kv.Value, before[kv.Key]), kv.Key));
    }

    [Fact]
    public void Detached_output_fails_with_no_gradient_reaching_the_parameters()
    {
        var (x, y) = Classification(16, 1);
        var model = new DetachedOutput();
        var optimizer = optim.Adam(model.parameters(), 0.01);

        var result = OverfitProbe.Run(model, optimizer, (input, target) => nn.functional.cross_entropy(model.call(input), target), x, y);

        output.WriteLine(result.ToString());
        Assert.False(result.Succeeded);
        Assert.Equal(OverfitProbeDiagnosis.NoGradient, result.Diagnosis);
        Assert.StartsWith("no gradient reaches the parameters", result.Message);
        Assert.Contains("detach()", result.Message);
        Assert.Equal(0, result.Steps);
        Assert.Equal(model.named_parameters().Select(p => p.name), result.ParametersWithoutGradient);
    }

    [Fact]
    public void Gradients_that_are_all_zero_are_diagnosed_as_no_gradient_rather_than_a_plateau()
    {
        var (x, y) = Classification(16, 1);
        var model = Mlp();
        var optimizer = optim.SGD(model.parameters(), 0.1);

        // The output is multiplied by zero: the loss still requires a gradient, but every gradient is zero.
        var result = OverfitProbe.Run(model, optimizer, (input, target) => nn.functional.cross_entropy(model.call(input) * 0, target), x, y,
            new OverfitProbeOptions { PlateauSteps = 20 });

        output.WriteLine(result.ToString());
        Assert.Equal(OverfitProbeDiagnosis.NoGradient, result.Diagnosis);
        Assert.Contains("stayed missing or zero", result.Message);
        Assert.Equal(21, result.Steps); // stopped by the plateau rule, reported as what caused it
        Assert.Equal(result.InitialLoss, result.FinalLoss);
    }

    [Fact]
    public void Parameters_cut_off_by_a_detach_inside_forward_are_named_even_when_the_head_alone_fits()
    {
        var (x, y) = Classification(16, 1);
        var model = new DetachedBody();
        var optimizer = optim.Adam(model.parameters(), 0.05);

        var result = OverfitProbe.Run(model, optimizer, (input, target) => nn.functional.cross_entropy(model.call(input), target), x, y);

        output.WriteLine(result.ToString());
        Assert.Equal(new[] { "body.weight", "body.bias" }, result.ParametersWithoutGradient);
        Assert.Contains("No gradient reached 2 of 4 parameters: body.weight, body.bias", result.Message);
    }

    [Fact]
    public void Linear_model_on_more_samples_than_parameters_plateaus()
    {
        var generator = new Generator(5);
        var x = randn(new long[] { 64, 4 }, generator: generator);
        var y = randn(new long[] { 64, 1 }, generator: generator);
        var model = nn.Linear(4, 1);
        var optimizer = optim.Adam(model.parameters(), 0.05);

        var result = OverfitProbe.Run(model, optimizer, (input, target) => nn.functional.mse_loss(model.call(input), target), x, y,
            new OverfitProbeOptions { PlateauSteps = 50 });

        output.WriteLine(result.ToString());
        Assert.Equal(OverfitProbeDiagnosis.Plateaued, result.Diagnosis);
        Assert.StartsWith("loss plateaued", result.Message);
        Assert.True(result.Steps < 500);
        Assert.True(result.LossRatio > 0.5);
    }

    [Fact]
    public void NaN_loss_and_too_high_a_rate_are_told_apart()
    {
        var (x, y) = Classification(16, 1);
        var model = Mlp();

        var nan = OverfitProbe.Run(model, optim.SGD(model.parameters(), 0.01),
            (input, target) => (model.call(input) - 1e6).log().mean(), x, y);
        var huge = OverfitProbe.Run(model, optim.SGD(model.parameters(), 1e4),
            (input, target) => nn.functional.mse_loss(model.call(input), nn.functional.one_hot(target, 3).to(float32)), x, y);

        output.WriteLine(nan.ToString());
        output.WriteLine(huge.ToString());
        Assert.Equal(OverfitProbeDiagnosis.NonFiniteLoss, nan.Diagnosis);
        Assert.StartsWith("loss is NaN", nan.Message);
        Assert.Contains(huge.Diagnosis, new[] { OverfitProbeDiagnosis.Diverged, OverfitProbeDiagnosis.NonFiniteLoss });
        Assert.True(huge.Steps < 10);
    }

    [Fact]
    public void A_budget_too_small_says_the_loss_was_still_falling()
    {
        var (x, y) = Classification(16, 1);
        var model = Mlp();
        var optimizer = optim.Adam(model.parameters(), 0.001);

        var result = OverfitProbe.Run(model, optimizer, (input, target) => nn.functional.cross_entropy(model.call(input), target), x, y,
            new OverfitProbeOptions { MaxSteps = 15 });

        Assert.Equal(OverfitProbeDiagnosis.TooSlow, result.Diagnosis);
        Assert.Contains("still falling", result.Message);
        Assert.Equal(15, result.Steps);
        Assert.True(result.FinalLoss < result.InitialLoss);
    }

    [Fact]
    public void Empty_batches_and_bad_options_are_rejected()
    {
        var model = nn.Linear(2, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        Func<Tensor, Tensor, Tensor> loss = (x, y) => nn.functional.mse_loss(model.call(x), y);

        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => OverfitProbe.Run(model, optimizer, loss, Array.Empty<(Tensor, Tensor)>())).Message);
        Assert.Equal("TargetRatio", Assert.Throws<ArgumentOutOfRangeException>(() =>
            OverfitProbe.Run(model, optimizer, loss, ones(2, 2), ones(2, 1), new OverfitProbeOptions { TargetRatio = 1 })).ParamName);
    }
}
