using System;
using TorchSharp;
using static TorchSharp.torch;

namespace FlawedTraining;

/// <summary>Validation metrics, always on held-out data, in eval mode and without autograd.</summary>
public static class Evaluation
{
    public static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor valX, Tensor valLabels)
    {
        model.eval();
        using (torch.no_grad())
        {
            var predicted = model.forward(valX).argmax(1);
            return predicted.eq(valLabels).to_type(ScalarType.Float32).mean().item<float>();
        }
    }

    public static double Rmse(nn.Module<Tensor, Tensor> model, Tensor valX, Tensor valY)
    {
        model.eval();
        using (torch.no_grad())
        {
            var error = model.forward(valX) - valY;
            return Math.Sqrt(error.pow(2).mean().item<float>());
        }
    }
}
