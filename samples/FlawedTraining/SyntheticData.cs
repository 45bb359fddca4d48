using System;
using TorchSharp;
using static TorchSharp.torch;

namespace FlawedTraining;

/// <summary>
/// Synthetic data sets the experiments make themselves. Every generator draws from torch's global
/// generator, so the caller seeds it with <c>torch.manual_seed</c> first: same seed, same data.
/// </summary>
public static class SyntheticData
{
    /// <summary>The first <paramref name="trainCount"/> rows for training, the rest held out for validation.</summary>
    public static (Tensor TrainX, Tensor TrainY, Tensor ValX, Tensor ValY) Split(Tensor x, Tensor y, int trainCount)
    {
        long valCount = x.shape[0] - trainCount;
        return (x.narrow(0, 0, trainCount), y.narrow(0, 0, trainCount),
                x.narrow(0, trainCount, valCount), y.narrow(0, trainCount, valCount));
    }

    /// <summary>House prices (in thousands) from 8 standardised features: mostly linear, some interactions, noise.</summary>
    public static (Tensor Features, Tensor Prices) HousePrices(int count)
    {
        var x = torch.randn(count, 8);
        var w = torch.tensor(new float[] { 3f, -2f, 1.5f, 0f, 0.5f, -1f, 0f, 2f });
        var score = x.matmul(w) + x[.., 2] * x[.., 3] + (2 * x[.., 4]).sin() + 0.3f * torch.randn(count);
        return (x, (300 + 20 * score).unsqueeze(1));
    }

    /// <summary>Hourly energy demand (MW) from 6 features: temperature, time of day, and so on; non-linear, noisy.</summary>
    public static (Tensor Features, Tensor Demand) EnergyDemand(int count)
    {
        var x = torch.randn(count, 6);
        var load = 2 * x[.., 0] + x[.., 1].pow(2) - x[.., 2] * x[.., 4] + (1.5f * x[.., 3]).cos() - 0.5f * x[.., 5] + 0.3f * torch.randn(count);
        return (x, (1200 + 150 * load).unsqueeze(1));
    }

    /// <summary>Gaussian clusters: <paramref name="classes"/> random centres in <paramref name="features"/> dimensions, unit noise.</summary>
    public static (Tensor Features, Tensor Labels) Clusters(int count, int features, int classes, float spread)
    {
        var centres = torch.randn(classes, features) * spread;
        var labels = torch.randint(0, classes, count, dtype: ScalarType.Int64);
        var x = centres.index_select(0, labels) + torch.randn(count, features);
        return (x, labels);
    }

    /// <summary>Labels given by a random "teacher" network: a non-linear decision boundary.</summary>
    public static (Tensor Features, Tensor Labels) TeacherLabels(int count, int features, int classes)
    {
        var x = torch.randn(count, features);
        var w1 = torch.randn(features, 32) / MathF.Sqrt(features);
        var w2 = torch.randn(32, classes);
        var labels = (2 * x.matmul(w1)).tanh().matmul(w2).argmax(1);
        return (x, labels);
    }

    /// <summary>Interleaved 2-D spirals, one arm per class.</summary>
    public static (Tensor Features, Tensor Labels) Spirals(int count, int classes)
    {
        var labels = torch.randint(0, classes, count, dtype: ScalarType.Int64);
        var radius = torch.rand(count);
        var angle = labels.to_type(ScalarType.Float32) * (2 * MathF.PI / classes) + 4 * radius + 0.2f * torch.randn(count);
        var x = torch.stack(new[] { radius * angle.sin(), radius * angle.cos() }, 1);
        return (x, labels);
    }

    /// <summary>
    /// The "adding problem" (Hochreiter and Schmidhuber, 1997): each step carries a value in [0, 1) and a marker;
    /// exactly two steps are marked and the target is the sum of their values. Shape [count, steps, 2].
    /// </summary>
    public static (Tensor Sequences, Tensor Sums) AddingProblem(int count, int steps)
    {
        var values = torch.rand(count, steps);
        var markers = torch.zeros(count, steps);
        var first = torch.randint(0, steps / 2, new long[] { count, 1 }, dtype: ScalarType.Int64);
        var second = torch.randint(steps / 2, steps, new long[] { count, 1 }, dtype: ScalarType.Int64);
        markers.scatter_(1, first, torch.ones(count, 1));
        markers.scatter_(1, second, torch.ones(count, 1));
        var sums = (values * markers).sum(1, keepdim: true);
        return (torch.stack(new[] { values, markers }, 2), sums);
    }
}
