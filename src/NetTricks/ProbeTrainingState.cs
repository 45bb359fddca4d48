using System;
using System.IO;
using TorchSharp;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>
/// Everything a probe changes while it trains, captured before it starts so it can put the model and the
/// optimizer back exactly: the model's state dict (deep copy), its training flag, and the optimizer's
/// state (learning rates, momentum buffers, Adam moments and step counts).
/// </summary>
internal sealed class ProbeTrainingState : IDisposable
{
    private readonly torch.nn.Module model;
    private readonly OptimizerHelper optimizer;
    private readonly ProbeModuleSnapshot modelState;
    private readonly byte[] optimizerState;
    private readonly bool wasTraining;

    private ProbeTrainingState(torch.nn.Module model, OptimizerHelper optimizer, ProbeModuleSnapshot modelState, byte[] optimizerState)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.modelState = modelState;
        this.optimizerState = optimizerState;
        wasTraining = model.training;
    }

    /// <exception cref="NotSupportedException">The optimizer's state cannot be copied (see <see cref="RequireCopyable"/>).</exception>
    public static ProbeTrainingState Capture(torch.nn.Module model, torch.optim.Optimizer optimizer)
    {
        var helper = RequireCopyable(optimizer);
        // TorchSharp's in-memory state_dict() returns the live option and state objects, not copies; its
        // binary form is a real copy, and loading it back writes into the existing state tensors.
        byte[] bytes;
        using (var stream = new MemoryStream())
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                helper.save_state_dict(writer);
            }
            bytes = stream.ToArray();
        }
        return new ProbeTrainingState(model, helper, ProbeModuleSnapshot.Capture(model), bytes);
    }

    /// <summary>The optimizer as the TorchSharp base class of every optimizer whose state can be saved.</summary>
    /// <exception cref="NotSupportedException">Not such an optimizer (in TorchSharp 0.107: LBFGS).</exception>
    public static OptimizerHelper RequireCopyable(torch.optim.Optimizer optimizer)
    {
        if (optimizer is OptimizerHelper helper)
        {
            return helper;
        }
        throw new NotSupportedException(
            $"{optimizer.GetType().Name} does not expose its state to TorchSharp's save_state_dict, so the probe could not put it back afterwards. " +
            "Use an optimizer from torch.optim such as SGD, Adam, AdamW or RMSProp (LBFGS is not supported).");
    }

    /// <summary>Puts the model parameters, buffers, training flag and the optimizer state back as captured; clears gradients.</summary>
    public void Restore()
    {
        modelState.Restore(model);
        using (var stream = new MemoryStream(optimizerState, writable: false))
        using (var reader = new BinaryReader(stream))
        {
            optimizer.load_state_dict(reader);
        }
        model.zero_grad();
        model.train(wasTraining);
    }

    public void Dispose() => modelState.Dispose();
}
