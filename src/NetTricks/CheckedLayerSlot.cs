using System.Collections.Generic;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>Which statistics a checked model computes on an observed layer's input and output.</summary>
internal enum LayerCheck
{
    /// <summary>Only the non-finite check of the output.</summary>
    OutputOnly,

    /// <summary>ReLU/ReLU6: dead units from the output, drift from the input.</summary>
    DeadUnits,

    /// <summary>Sigmoid/Tanh: saturated pre-activations and drift from the input.</summary>
    Saturation,

    /// <summary>Other activations (LeakyReLU, GELU, SiLU, ELU, SELU, ...): drift from the input.</summary>
    Drift,
}

/// <summary>One observed layer of a checked model and what is remembered about it across steps.</summary>
internal sealed class CheckedLayerSlot
{
    public CheckedLayerSlot(LayerInfo info)
    {
        Info = info;
        Name = info.DisplayName;
        // tanh(x) = 2 sigmoid(2x) - 1: the same loss of slope happens at half the pre-activation.
        SaturationBoundScale = info.Module is Tanh ? 0.5 : 1.0;
        Check = info.Module switch
        {
            ReLU or ReLU6 => LayerCheck.DeadUnits,
            Sigmoid or Tanh => LayerCheck.Saturation,
            _ when info.Role == LayerRole.Activation && info.Activation != Activation.Softmax => LayerCheck.Drift,
            _ => LayerCheck.OutputOnly,
        };
    }

    public LayerInfo Info { get; }

    public string Name { get; }

    public LayerCheck Check { get; }

    /// <summary>1 for sigmoid, 1/2 for tanh (see <see cref="CheckedOptions.SaturationBound"/>).</summary>
    public double SaturationBoundScale { get; }

    /// <summary>Pre-activation RMS on the first sampled step, per call index within a step (a module used twice has two).</summary>
    public Dictionary<int, double> BaselineRms { get; } = new();

    /// <summary>Step on which <see cref="CallsThisStep"/> was last counted.</summary>
    public long CallStep { get; set; }

    /// <summary>How many times the module ran in the current step.</summary>
    public int CallsThisStep { get; set; }

    public string NameForCall(int call) => call == 0 ? Name : Name + "#" + (call + 1);
}
