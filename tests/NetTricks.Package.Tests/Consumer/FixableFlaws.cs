using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedTraining;

/// <summary>NT1003 with the softmax in the same file as the loss (the sample's own NT1003 has it in Models.cs).</summary>
public static class FixableFlaws
{
    public static float SoftmaxTwice()
    {
        var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
        var loss = CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64));
        return loss.item<float>();
    }
}
