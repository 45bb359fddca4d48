using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetTricks.Tests;

public sealed class EarlyStoppingTests
{
    private static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.SequenceEqual(b.contiguous().bytes);

    private static List<bool> Feed(EarlyStopping stopper, params double[] metrics) => metrics.Select(stopper.ShouldStop).ToList();

    [Fact]
    public void Stops_once_patience_epochs_in_a_row_have_not_improved()
    {
        using var stopper = new EarlyStopping(patience: 3);

        var stops = Feed(stopper, 5, 4, 3, 3.5, 3.2, 3.1, 2.0);

        Assert.Equal(new[] { false, false, false, false, false, true, false }, stops);
        Assert.Equal(2.0, stopper.BestMetric);
        Assert.Equal(6, stopper.BestEpoch);
        Assert.Equal(7, stopper.History.Count);
    }

    [Fact]
    public void Min_delta_and_max_mode_decide_what_counts_as_an_improvement()
    {
        using var min = new EarlyStopping(patience: 2, minDelta: 0.1);
        var minStops = Feed(min, 1.0, 0.95, 0.85);
        Assert.Equal(new[] { false, false, false }, minStops); // 0.95 is within minDelta of 1.0; 0.85 beats it
        Assert.Equal(0.85, min.BestMetric);
        Assert.Equal(2, min.BestEpoch);
        Assert.Equal(new[] { false, true }, Feed(min, 0.8, 0.76)); // 0.8 and 0.76 both within 0.1 of 0.85

        using var max = new EarlyStopping(patience: 2, mode: EarlyStoppingMode.Max);
        Assert.Equal(new[] { false, false, false, true }, Feed(max, 0.5, 0.7, 0.7, 0.6));
        Assert.Equal(0.7, max.BestMetric);
        Assert.Equal(1, max.BestEpoch);
    }

    [Fact]
    public void NaN_never_improves()
    {
        using var stopper = new EarlyStopping(patience: 2);

        Assert.Equal(new[] { false, false, false, true }, Feed(stopper, double.NaN, 1.0, double.NaN, double.NaN));
        Assert.Equal(1.0, stopper.BestMetric);
        Assert.Equal(1, stopper.BestEpoch);
        Assert.False(stopper.LastImproved);
    }

    [Fact]
    public void RestoreBest_puts_back_the_best_epochs_weights_and_buffers_bit_for_bit_after_training_moved_on()
    {
        var generator = new Generator(3);
        var x = randn(new long[] { 64, 4 }, generator: generator);
        var y = randn(new long[] { 64, 1 }, generator: generator);
        var model = nn.Sequential(("l1", nn.Linear(4, 16)), ("bn", nn.BatchNorm1d(16)), ("act", nn.ReLU()), ("out", nn.Linear(16, 1)));
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        // The validation metric is scripted so that the best epoch is in the middle; training is real, so the weights
        // (and BatchNorm's running statistics) keep changing after it.
        var metrics = new[] { 3.0, 2.0, 1.0, 1.5, 1.6, 1.7, 0.9 };
        var copies = new List<Dictionary<string, Tensor>>();
        using var stopper = new EarlyStopping(patience: 3);

        int epochs = 0;
        foreach (var metric in metrics)
        {
            for (int step = 0; step < 5; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.mse_loss(model.call(x), y).backward();
                optimizer.step();
            }
            copies.Add(model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
            epochs++;
            if (stopper.Update(metric, model))
            {
                break;
            }
        }

        Assert.Equal(6, epochs);
        Assert.Equal(2, stopper.BestEpoch);
        var final = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        Assert.False(BitwiseEqual(final["l1.weight"], copies[2]["l1.weight"])); // training did move on

        stopper.RestoreBest(model);

        var restored = model.state_dict();
        Assert.Equal(copies[2].Keys.OrderBy(k => k), restored.Keys.OrderBy(k => k));
        Assert.Contains("bn.running_mean", restored.Keys);
        foreach (var (name, tensor) in restored)
        {
            Assert.True(BitwiseEqual(tensor, copies[2][name]), name);
        }
    }

    [Fact]
    public void Restored_parameters_stay_attached_to_the_optimizer()
    {
        var model = nn.Linear(3, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var stopper = new EarlyStopping(patience: 1);
        stopper.Update(1.0, model);
        var best = model.weight!.detach().clone();
        using (no_grad())
        {
            model.weight!.add_(1);
        }

        stopper.RestoreBest(model);
        optimizer.zero_grad();
        model.call(ones(2, 3)).sum().backward();
        optimizer.step();

        // The step moved the model's own (restored) weights: d(sum)/dw = 2 per element, lr 0.1.
        Assert.True(model.weight!.detach().allclose(best - 0.2f, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void RestoreBest_without_a_kept_state_says_why()
    {
        var model = nn.Linear(2, 1);
        using var stopper = new EarlyStopping(patience: 2);

        var none = Assert.Throws<InvalidOperationException>(() => stopper.RestoreBest(model));
        Assert.Contains("Update(metric, model)", none.Message);

        stopper.Update(2.0, model);
        stopper.ShouldStop(1.0); // better, but recorded without weights: the kept state is no longer the best
        Assert.False(stopper.HasBestState);
        var stale = Assert.Throws<InvalidOperationException>(() => stopper.RestoreBest(model));
        Assert.Contains("best epoch (1)", stale.Message);
    }

    [Fact]
    public void Invalid_arguments_are_rejected_with_their_names()
    {
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: 0)).ParamName);
        Assert.Equal("minDelta", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(minDelta: -1)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(mode: (EarlyStoppingMode)7)).ParamName);
        var stopper = new EarlyStopping();
        stopper.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stopper.ShouldStop(1));
    }
}
