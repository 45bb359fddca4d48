using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace NetTricks;

// The clipping arithmetic, op for op as libtorch's torch::nn::utils::clip_grad_norm_ / clip_grad_value_
// (what TorchSharp's functions call), so a checked clip changes gradients exactly as the call it replaces.
internal static class ClipMath
{
    // Returns the pre-clip total norm. Like libtorch it scales even when non-finite (by NaN or 0); the
    // caller reports that case instead of letting it pass silently.
    internal static double ClipNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType)
    {
        using var scope = torch.NewDisposeScope(); // frees the grad wrappers and temporaries of this call
        using var noGrad = torch.no_grad();
        var grads = Grads(parameters);
        if (grads.Count == 0)
        {
            return 0.0;
        }

        var norms = new torch.Tensor[grads.Count];
        bool infinityNorm = double.IsPositiveInfinity(normType);
        for (int i = 0; i < grads.Count; i++)
        {
            norms[i] = infinityNorm ? grads[i].abs().max() : torch.linalg.vector_norm(grads[i], normType);
        }
        torch.Tensor total = norms.Length == 1
            ? norms[0]
            : infinityNorm ? torch.stack(norms).max() : torch.linalg.vector_norm(torch.stack(norms), normType);

        // libtorch computes max_norm / (total + 1e-6) as a true division (not reciprocal * max_norm, which
        // differs in the last bit), then clamps at 1 and always multiplies.
        var coefficient = torch.full(System.Array.Empty<long>(), maxNorm, dtype: total.dtype, device: total.device)
            .div(total + 1e-6)
            .clamp(max: 1.0);
        foreach (var grad in grads)
        {
            grad.mul_(coefficient);
        }
        return total.ToDouble();
    }

    // Returns the largest absolute gradient element before clamping (0 when there is none).
    internal static double ClipValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double largest = 0.0;
        foreach (var grad in Grads(parameters))
        {
            if (grad.numel() > 0)
            {
                // Both torch's max() and Math.Max propagate NaN, so a NaN anywhere is reported as NaN.
                largest = System.Math.Max(largest, grad.abs().max().ToDouble());
            }
            grad.clamp_(-clipValue, clipValue);
        }
        return largest;
    }

    private static List<torch.Tensor> Grads(IEnumerable<Parameter> parameters)
    {
        var grads = new List<torch.Tensor>();
        foreach (var parameter in parameters)
        {
            var grad = parameter?.grad;
            if (grad is not null)
            {
                grads.Add(grad);
            }
        }
        return grads;
    }
}
