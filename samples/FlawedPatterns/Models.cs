using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedPatterns;

/// <summary>A classifier with the layer-level mistakes.</summary>
public sealed class NoisyClassifier : Module<Tensor, Tensor>
{
    private readonly Linear input = Linear(10, 64);
    private readonly Linear output = Linear(64, 3);
    private readonly Dropout dropout = Dropout(0.9);   // NT5002: 0.9 drops 90% of the units (a keep-probability?)

    // NT8003: RegisterComponents() does not register layers in a List<>: never trained, never moved to a device
    private readonly List<Linear> extra = new();

    public NoisyClassifier() : base(nameof(NoisyClassifier))
    {
        extra.Add(Linear(64, 64));
        RegisterComponents();
        init.zeros_(input.weight);   // NT2002: every hidden unit starts identical
    }

    public override Tensor forward(Tensor x)
    {
        x = input.forward(x).relu();
        x = functional.dropout(x, 0.2);   // NT5007: training defaults to true, so dropout stays on after eval()
        x = dropout.forward(extra[0].forward(x));
        return output.forward(x);
    }
}
