using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>How the model walk (initializers and checked layers) sees one module.</summary>
internal enum LayerRole
{
    /// <summary>Neither a weight layer nor an activation (Dropout, norms, pooling, Flatten, custom modules).</summary>
    Transparent,

    /// <summary>Linear, Conv*/ConvTranspose*, Bilinear: weights the initializers handle.</summary>
    Trainable,

    /// <summary>Embedding, recurrent and attention layers: trainable, but initialised their own way.</summary>
    KeptTrainable,

    /// <summary>A nonlinearity.</summary>
    Activation,
}

/// <summary>One module of a model in forward (registration) order, with its dotted path.</summary>
internal sealed record LayerInfo(string Name, torch.nn.Module Module, LayerRole Role, Activation Activation, double? ActivationParameter)
{
    public string DisplayName => Name.Length == 0 ? Module.GetType().Name : Name;

    public Parameter? Weight => Module switch
    {
        Linear linear => linear.weight,
        Convolution convolution => convolution.weight,
        Bilinear bilinear => bilinear.weight,
        _ => null,
    };

    public Parameter? Bias => Module switch
    {
        Linear linear => linear.bias,
        Convolution convolution => convolution.bias,
        Bilinear bilinear => bilinear.bias,
        _ => null,
    };
}

/// <summary>Classifies TorchSharp modules and walks a model depth-first in registration order.</summary>
internal static class InitLayers
{
    // Trainable layers with their own, well-founded default initialization (N(0,1) embeddings, uniform
    // recurrent weights, attention projections): the walk reports them and leaves them alone.
    private static readonly HashSet<string> KeptTypeNames = new(StringComparer.Ordinal)
    {
        "Embedding", "EmbeddingBag", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
        "MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
        "TransformerEncoderLayer", "TransformerDecoderLayer",
    };

    /// <summary>
    /// The leaves of <paramref name="model"/> (modules without children, plus kept trainable containers such as
    /// Transformer layers) depth-first in registration order, which for Sequential and for fields registered by
    /// <c>RegisterComponents()</c> is the order of the forward pass in almost all models.
    /// </summary>
    public static List<LayerInfo> Leaves(torch.nn.Module model)
    {
        var leaves = new List<LayerInfo>();
        var seen = new HashSet<torch.nn.Module>(ReferenceEqualityComparer.Instance);
        Walk(model, "", leaves, seen);
        return leaves;
    }

    /// <summary>Every module below <paramref name="model"/> (not the model itself), depth-first pre-order, each once.</summary>
    public static List<LayerInfo> Descendants(torch.nn.Module model)
    {
        var all = new List<LayerInfo>();
        var seen = new HashSet<torch.nn.Module>(ReferenceEqualityComparer.Instance) { model };
        AddDescendants(model, "", all, seen);
        return all;
    }

    public static LayerInfo Describe(string name, torch.nn.Module module)
    {
        if (module is Linear or Convolution or Bilinear)
        {
            return new LayerInfo(name, module, LayerRole.Trainable, Activation.None, null);
        }
        if (KeptTypeNames.Contains(module.GetType().Name))
        {
            return new LayerInfo(name, module, LayerRole.KeptTrainable, Activation.None, null);
        }
        var (isActivation, activation, parameter) = module switch
        {
            ReLU or ReLU6 => (true, Activation.ReLU, (double?)null),
            LeakyReLU leaky => (true, Activation.LeakyReLU, leaky.negative_slope),
            RReLU rrelu => (true, Activation.LeakyReLU, (rrelu.lower + rrelu.upper) / 2),
            PReLU prelu => (true, Activation.LeakyReLU, prelu.init),
            GELU => (true, Activation.GELU, null),
            SiLU or Mish or Hardswish => (true, Activation.SiLU, null),
            ELU elu => (true, Activation.ELU, elu.alpha),
            CELU celu => (true, Activation.ELU, celu.alpha),
            SELU => (true, Activation.SELU, null),
            Tanh or Hardtanh or Softsign => (true, Activation.Tanh, null),
            Sigmoid or Hardsigmoid or LogSigmoid => (true, Activation.Sigmoid, null),
            Softmax or LogSoftmax or Softmax2d or Softmin => (true, Activation.Softmax, null),
            _ => (false, Activation.None, null),
        };
        return new LayerInfo(name, module, isActivation ? LayerRole.Activation : LayerRole.Transparent, activation, parameter);
    }

    private static void Walk(torch.nn.Module module, string name, List<LayerInfo> leaves, HashSet<torch.nn.Module> seen)
    {
        if (!seen.Add(module))
        {
            return; // a module registered twice is one layer
        }
        var info = Describe(name, module);
        if (info.Role != LayerRole.Transparent)
        {
            leaves.Add(info);
            return;
        }
        bool hasChildren = false;
        foreach (var (childName, child) in module.named_children())
        {
            hasChildren = true;
            Walk(child, Join(name, childName), leaves, seen);
        }
        if (!hasChildren)
        {
            leaves.Add(info);
        }
    }

    private static void AddDescendants(torch.nn.Module module, string name, List<LayerInfo> all, HashSet<torch.nn.Module> seen)
    {
        foreach (var (childName, child) in module.named_children())
        {
            if (!seen.Add(child))
            {
                continue;
            }
            string path = Join(name, childName);
            all.Add(Describe(path, child));
            AddDescendants(child, path, all, seen);
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
