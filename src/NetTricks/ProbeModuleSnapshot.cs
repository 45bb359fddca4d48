using System;
using System.Collections.Generic;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// A deep copy of a module's state dict (parameters and persistent buffers such as BatchNorm running
/// statistics), taken at one moment and written back on demand. Owns its tensors.
/// </summary>
internal sealed class ProbeModuleSnapshot : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> tensors;

    private ProbeModuleSnapshot(Dictionary<string, torch.Tensor> tensors) => this.tensors = tensors;

    /// <summary>Names of the copied entries, in state-dict order.</summary>
    public IEnumerable<string> Names => tensors.Keys;

    /// <summary>Clones every tensor of <paramref name="module"/>'s state dict.</summary>
    public static ProbeModuleSnapshot Capture(torch.nn.Module module)
    {
        var copies = new Dictionary<string, torch.Tensor>();
        try
        {
            using (torch.no_grad())
            using (torch.NewDisposeScope())
            {
                foreach (var (name, tensor) in module.state_dict())
                {
                    // state_dict() hands out the live parameters: a reference would follow every later update,
                    // so the snapshot must own a copy of the storage, kept out of the caller's dispose scopes.
                    copies.Add(name, tensor.detach().clone().DetachFromDisposeScope());
                }
            }
        }
        catch
        {
            DisposeAll(copies);
            throw;
        }
        return new ProbeModuleSnapshot(copies);
    }

    /// <summary>Copies the snapshot back into <paramref name="module"/> (bit for bit; the module keeps its own tensors).</summary>
    /// <exception cref="InvalidOperationException">The module's state dict no longer has the same entries.</exception>
    public void Restore(torch.nn.Module module)
    {
        // load_state_dict copies in place under no_grad: parameters keep their identity, so optimizers that
        // hold them stay attached.
        module.load_state_dict(tensors, strict: true);
    }

    /// <summary>The copy of one entry (owned by the snapshot), or <c>null</c>.</summary>
    public torch.Tensor? Get(string name) => tensors.TryGetValue(name, out var tensor) ? tensor : null;

    public void Dispose() => DisposeAll(tensors);

    private static void DisposeAll(Dictionary<string, torch.Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
        tensors.Clear();
    }
}
