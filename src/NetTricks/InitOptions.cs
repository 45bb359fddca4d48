using System.Collections.Generic;
using TorchSharp;

namespace NetTricks;

/// <summary>Options of <see cref="Init.ForActivations"/>.</summary>
public sealed class InitOptions
{
    /// <summary>Normal (default) or uniform draws.</summary>
    public InitDistribution Distribution { get; set; } = InitDistribution.Normal;

    /// <summary>
    /// The activation applied to the last trainable layer when no activation module follows it in the model
    /// (for example the softmax inside <c>CrossEntropyLoss</c>). Default <see cref="Activation.None"/>:
    /// Xavier/Glorot with gain 1, which is also what Softmax and Sigmoid heads get.
    /// </summary>
    public Activation OutputActivation { get; set; } = Activation.None;

    /// <summary>
    /// The activation assumed for a hidden trainable layer that is followed directly by another trainable layer,
    /// which happens when the forward body applies a functional activation (<c>functional.relu(x)</c>) that the
    /// module tree cannot show. Default <c>null</c>: such a layer is treated as linear (Xavier, gain 1) and the plan
    /// says so.
    /// </summary>
    public Activation? HiddenActivation { get; set; }

    /// <summary>
    /// Per-layer overrides by dotted path (<c>"fc1"</c>, <c>"encoder.0"</c>), which win over what the walk finds.
    /// LeakyReLU and ELU overrides use their default parameter (slope 0.01, alpha 1).
    /// </summary>
    public IDictionary<string, Activation> Activations { get; } = new Dictionary<string, Activation>();

    /// <summary>Set biases of the initialised layers to zero (default <c>true</c>).</summary>
    public bool ZeroBiases { get; set; } = true;

    /// <summary>Random generator for the draws; <c>null</c> uses torch's default generator. It must live on the weights' device.</summary>
    public torch.Generator? Generator { get; set; }
}
