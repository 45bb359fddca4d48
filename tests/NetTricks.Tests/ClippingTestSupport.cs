using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetTricks.Tests;

internal static class ClippingTestSupport
{
    /// <summary>A small MLP whose gradients after one MSE backward on far-off targets are large.</summary>
    public static Sequential ModelWithGradients(int seed, ScalarType dtype = ScalarType.Float32)
    {
        var generator = new Generator((ulong)seed);
        var model = nn.Sequential(("hidden", nn.Linear(4, 16)), ("act", nn.Tanh()), ("out", nn.Linear(16, 2)));
        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                parameter.copy_(randn(parameter.shape, generator: generator));
            }
        }
        model.to(dtype);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 32, 4 }, generator: generator).to(dtype);
        var y = (randn(new long[] { 32, 2 }, generator: generator) * 50).to(dtype);
        nn.functional.mse_loss(model.call(x), y).backward();
        return model;
    }

    public static List<Tensor> CopyGradients(IEnumerable<Parameter> parameters) =>
        parameters.Select(p => p.grad!.clone().DetachFromDisposeScope()).ToList();

    public static void RestoreGradients(IEnumerable<Parameter> parameters, List<Tensor> gradients)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (parameter, gradient) in parameters.Zip(gradients))
        {
            parameter.grad!.copy_(gradient);
        }
    }

    /// <summary>Element-wise identical, NaN equal to NaN.</summary>
    public static bool BitwiseEqual(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape)
            && (a.eq(b) | (a.isnan() & b.isnan())).all().item<bool>();
    }

    /// <summary>A parameter whose gradient is <paramref name="gradient"/>.</summary>
    public static Parameter WithGradient(params float[] gradient)
    {
        var parameter = new Parameter(zeros(gradient.Length));
        parameter.grad = tensor(gradient);
        return parameter;
    }

    public static double Norm(Tensor t) => t.norm(2f).item<float>();
}
