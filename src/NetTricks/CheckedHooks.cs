using TorchSharp;
using static TorchSharp.torch;

namespace NetTricks;

/// <summary>Forward hooks that feed layer outputs to a checker (they fire only when the layer runs through <c>call()</c>).</summary>
internal static class CheckedHooks
{
    public static void Observe(TrainingChecker checker, CheckedLayerSlot slot)
    {
        if (slot.Info.Module is not nn.Module<Tensor, Tensor> module || !checker.MarkHooked(module))
        {
            return;
        }
        var remover = module.register_forward_hook((_, input, output) =>
        {
            if (checker.InStep)
            {
                checker.Observe(slot, input, output, TrainingChecker.Retention.Alias);
            }
            return output;
        });
        checker.AddUnhook(remover.remove);
    }
}
