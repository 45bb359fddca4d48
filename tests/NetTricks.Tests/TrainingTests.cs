using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NetTricks.Tests.TestSupport;
using static TorchSharp.torch;

namespace NetTricks.Tests;

// End-to-end: real forward, backward and optimizer steps with the runtime pieces the analyzer's fixes insert.
[Collection(GlobalStateCollection.Name)]
public sealed class TrainingTests : System.IDisposable
{
    private readonly Tensor inputs;
    private readonly Tensor targets;

    public TrainingTests()
    {
        manual_seed(1234); // layer initialisation uses the global generator
        var generator = new Generator(99);
        inputs = randn(new long[] { 512, 4 }, generator: generator);
        var x = inputs.unbind(1);
        targets = (x[0].sin() + 0.5 * x[1] * x[2] - x[3]).unsqueeze(1) + 0.05 * randn(new long[] { 512, 1 }, generator: generator);
        CheckedClipping.Reset();
    }

    public void Dispose()
    {
        CheckedClipping.Options.RestoreDefaults();
        CheckedClipping.Reset();
    }

    private static Sequential Mlp() => nn.Sequential(
        ("l1", nn.Linear(4, 32)), ("a1", nn.Tanh()), ("l2", nn.Linear(32, 32)), ("a2", nn.Tanh()), ("out", nn.Linear(32, 1)));

    private double EvaluationLoss(nn.Module<Tensor, Tensor> model)
    {
        using var noGrad = no_grad();
        double total = 0;
        foreach (var (x, y) in MiniBatch.InOrder(inputs, targets, 100))
        {
            using var scope = NewDisposeScope();
            total += nn.functional.mse_loss(model.call(x), y, nn.Reduction.Sum).item<float>();
        }
        return total / inputs.shape[0];
    }

    [Fact]
    public void Mlp_trained_on_shuffled_mini_batches_with_checked_clipping_lowers_the_loss_without_growing_native_memory()
    {
        var model = Mlp();
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        var clipper = new GradientClipper(maxNorm: 5.0, onClip: _ => { });
        var batches = MiniBatch.Shuffled(inputs, targets, 32, generator: new Generator(7));
        double initial = EvaluationLoss(model);
        var liveAfterEpoch = new List<long>();

        for (int epoch = 0; epoch < 15; epoch++)
        {
            foreach (var (x, y) in batches)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.call(x), y);
                loss.backward();
                clipper.ClipGradNorm(model.parameters());
                optimizer.step();
            }
            liveAfterEpoch.Add(LiveTensors);
        }
        double final = EvaluationLoss(model);

        Assert.True(final < 0.2 * initial, $"loss {initial:G4} -> {final:G4}");
        Assert.Equal(15 * 16, clipper.Steps); // 512 / 32 batches per epoch
        Assert.All(liveAfterEpoch.Skip(1), live => Assert.Equal(liveAfterEpoch[0], live)); // optimizer state appears in epoch 1 only
    }

    [Fact]
    public void Static_checked_clipping_in_a_real_loop_reports_the_clipped_steps_at_the_call_site()
    {
        var events = new List<ClipEvent>();
        CheckedClipping.Options.OnClip = events.Add;
        var model = Mlp();
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        double initial = EvaluationLoss(model);
        int line = 0;

        for (int epoch = 0; epoch < 5; epoch++)
        {
            foreach (var (x, y) in MiniBatch.Shuffled(inputs, targets, 64))
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.mse_loss(model.call(x), y).backward();
                line = LineHere(); CheckedClipping.ClipGradNorm(model.parameters(), 0.5);
                optimizer.step();
            }
        }

        var site = Assert.Single(CheckedClipping.Sites);
        Assert.Equal($"TrainingTests.cs:{line}", site.Location);
        Assert.Equal(5 * 8, site.Steps);
        Assert.True(site.ClippedSteps > 0);
        Assert.Equal(site.ClippedSteps, events.Count);
        Assert.All(events, e => Assert.True(e.PreClipNorm > 0.5));
        Assert.True(EvaluationLoss(model) < initial);
    }
}
