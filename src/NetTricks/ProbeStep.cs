using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;

namespace NetTricks;

/// <summary>Pieces shared by the training probes: one training step, learning-rate control, number formatting.</summary>
internal static class ProbeStep
{
    /// <summary>Calls the user's loss function and checks that it returned a single value.</summary>
    public static torch.Tensor ComputeLoss(Func<torch.Tensor, torch.Tensor, torch.Tensor> loss, torch.Tensor input, torch.Tensor target)
    {
        var value = loss(input, target)
            ?? throw new InvalidOperationException("The loss function returned null; it must return the scalar loss tensor of the batch.");
        if (value.numel() != 1)
        {
            throw new InvalidOperationException(
                $"The loss function returned a tensor of shape [{string.Join(", ", value.shape)}]; it must return one value (use a mean or sum reduction).");
        }
        return value;
    }

    /// <summary>The value of a one-element tensor of any floating dtype.</summary>
    public static double Value(torch.Tensor scalar)
    {
        using (torch.NewDisposeScope())
        {
            // item<double>() insists on a float64 tensor; the conversion covers float32, float16 and bfloat16 losses.
            return scalar.detach().to(torch.float64).cpu().item<double>();
        }
    }

    /// <summary>One ordinary step on one batch: zero_grad, loss, backward, step. Returns the loss before the update.</summary>
    /// <exception cref="InvalidOperationException">The loss is not connected to anything that requires a gradient.</exception>
    public static double Train(torch.optim.Optimizer optimizer, Func<torch.Tensor, torch.Tensor, torch.Tensor> loss, (torch.Tensor Input, torch.Tensor Target) batch)
    {
        using (torch.NewDisposeScope())
        {
            optimizer.zero_grad();
            var value = ComputeLoss(loss, batch.Input, batch.Target);
            if (!value.requires_grad)
            {
                throw new InvalidOperationException(
                    "The loss does not require a gradient, so backward() cannot reach any parameter: the model output is detached " +
                    "(detach(), a no_grad() block, or a non-differentiable op in forward). OverfitProbe.Run diagnoses this.");
            }
            double result = Value(value);
            value.backward();
            optimizer.step();
            return result;
        }
    }

    /// <summary>
    /// The learning rates of the parameter groups relative to the first group's, so that one swept rate can be
    /// applied to every group while keeping per-group ratios (layer-wise rates).
    /// </summary>
    public static (torch.optim.ILearningRateController[] Groups, double[] Ratios) Groups(torch.optim.Optimizer optimizer, string parameterName)
    {
        var groups = optimizer.ParamGroups?.ToArray() ?? Array.Empty<torch.optim.ILearningRateController>();
        if (groups.Length == 0)
        {
            throw new ArgumentException("The optimizer has no parameter groups, so its learning rate cannot be set.", parameterName);
        }
        double first = groups[0].LearningRate;
        var ratios = groups.Select(g => first > 0 && double.IsFinite(first) && g.LearningRate >= 0 ? g.LearningRate / first : 1.0).ToArray();
        return (groups, ratios);
    }

    public static void SetLearningRate(IReadOnlyList<torch.optim.ILearningRateController> groups, IReadOnlyList<double> ratios, double rate)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = rate * ratios[i];
        }
    }

    /// <summary>A rate or loss for reports: 3 significant digits, invariant culture.</summary>
    public static string Format(double value) => value.ToString("0.00e+00", CultureInfo.InvariantCulture);

    public static string Format(double? value) => value.HasValue ? Format(value.Value) : "none";

    public static string Percent(double fraction) => (100 * fraction).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
