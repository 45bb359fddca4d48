using NetTricks;
using TorchSharp;

namespace FlawedTraining;

/// <summary>Compiles only against the NetTricks runtime package: proves its assembly reaches the consumer.</summary>
public static class RuntimeUsage
{
    public static int CountBatches(torch.Tensor inputs, torch.Tensor targets)
    {
        int count = 0;
        foreach (var (input, target) in MiniBatch.Shuffled(inputs, targets, batchSize: 32))
        {
            count += input.shape[0] == target.shape[0] ? 1 : 0;
        }
        return count;
    }
}
