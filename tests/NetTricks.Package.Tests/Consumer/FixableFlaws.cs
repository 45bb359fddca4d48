using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedTraining;

/// <summary>NT1003 where the softmax sits in the same file as the loss, so the code fix can remove it.</summary>
public static class FixableFlaws
{
    public static float SoftmaxTwice()
    {
        var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
        var loss = CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64));
        return loss.item<float>();
    }
}
