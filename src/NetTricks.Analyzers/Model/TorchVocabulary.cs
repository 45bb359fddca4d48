using System.Collections.Generic;
using System.Collections.Immutable;

namespace NetTricks.Analyzers.Model;

/// <summary>TorchSharp names the model keys on (module type names, tensor methods, functional calls).</summary>
internal static class TorchVocabulary
{
    /// <summary>Tensor methods and functional forms that are a final activation: <c>x.relu()</c>, <c>functional.softmax(x, 1)</c>.</summary>
    public static readonly ImmutableDictionary<string, ActivationKind> ActivationFunctions = new Dictionary<string, ActivationKind>
    {
        ["relu"] = ActivationKind.ReLU, ["relu_"] = ActivationKind.ReLU,
        ["relu6"] = ActivationKind.ReLU6,
        ["softplus"] = ActivationKind.Softplus,
        ["sigmoid"] = ActivationKind.Sigmoid, ["sigmoid_"] = ActivationKind.Sigmoid,
        ["tanh"] = ActivationKind.Tanh, ["tanh_"] = ActivationKind.Tanh,
        ["hardtanh"] = ActivationKind.Hardtanh, ["hardtanh_"] = ActivationKind.Hardtanh,
        ["softmax"] = ActivationKind.Softmax,
        ["log_softmax"] = ActivationKind.LogSoftmax,
    }.ToImmutableDictionary();

    /// <summary>Activation module types (TorchSharp.Modules.*) that the output rules distinguish.</summary>
    public static readonly ImmutableDictionary<string, ActivationKind> ActivationModules = new Dictionary<string, ActivationKind>
    {
        ["ReLU"] = ActivationKind.ReLU,
        ["ReLU6"] = ActivationKind.ReLU6,
        ["Softplus"] = ActivationKind.Softplus,
        ["Sigmoid"] = ActivationKind.Sigmoid,
        ["Tanh"] = ActivationKind.Tanh,
        ["Hardtanh"] = ActivationKind.Hardtanh,
        ["Softmax"] = ActivationKind.Softmax,
        ["LogSoftmax"] = ActivationKind.LogSoftmax,
    }.ToImmutableDictionary();

    /// <summary>Tensor operations that keep the values (shape, device, dtype, selection), so the last op is their input's.</summary>
    public static readonly ImmutableHashSet<string> ValuePreservingMethods = ImmutableHashSet.Create(
        "view", "reshape", "squeeze", "unsqueeze", "flatten", "to", "cpu", "cuda", "contiguous", "clone", "detach",
        "alias", "to_type", "type", "@float", "@double", "half", "bfloat16", "float", "double", "index_select", "narrow",
        "slice", "select", "gather", "masked_select", "take", "expand", "expand_as", "view_as", "reshape_as", "squeeze_", "unsqueeze_",
        "T", "t", "transpose", "permute", "mT", "swapaxes", "movedim");

    /// <summary>Module types that pass their input through unchanged in range (dropout rescales but keeps the sign).</summary>
    public static readonly ImmutableHashSet<string> TransparentModules = ImmutableHashSet.Create(
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity", "Flatten", "Unflatten");

    public static readonly ImmutableHashSet<string> DropoutModules = ImmutableHashSet.Create(
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout");

    public static readonly ImmutableHashSet<string> NormalizationModules = ImmutableHashSet.Create(
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
        "InstanceNorm3d", "LocalResponseNorm", "RMSNorm");

    public static readonly ImmutableHashSet<string> RecurrentModules = ImmutableHashSet.Create(
        "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell");

    /// <summary>Transformer layers: gradient clipping is standard practice for them too.</summary>
    public static readonly ImmutableHashSet<string> TransformerModules = ImmutableHashSet.Create(
        "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer", "TransformerDecoderLayer", "MultiheadAttention");

    /// <summary>Trainable layers in the catalogue's sense (their weights are learned matrices).</summary>
    public static bool IsTrainableLayer(string name) =>
        name is "Linear" or "Bilinear" or "MultiheadAttention" ||
        name.StartsWith("Conv", System.StringComparison.Ordinal) || name.StartsWith("Embedding", System.StringComparison.Ordinal) ||
        name.StartsWith("Transformer", System.StringComparison.Ordinal) || RecurrentModules.Contains(name);

    /// <summary>Activation modules and their functional / tensor-method names, by the runtime Activation they map to.</summary>
    public static readonly ImmutableDictionary<string, string> ActivationFamilies = new Dictionary<string, string>
    {
        ["ReLU"] = "ReLU", ["relu"] = "ReLU", ["relu_"] = "ReLU", ["ReLU6"] = "ReLU", ["relu6"] = "ReLU",
        ["LeakyReLU"] = "LeakyReLU", ["leaky_relu"] = "LeakyReLU", ["PReLU"] = "LeakyReLU", ["RReLU"] = "LeakyReLU",
        ["GELU"] = "GELU", ["gelu"] = "GELU", ["SiLU"] = "SiLU", ["silu"] = "SiLU", ["Mish"] = "SiLU", ["Hardswish"] = "SiLU",
        ["ELU"] = "ELU", ["elu"] = "ELU", ["CELU"] = "ELU", ["SELU"] = "SELU", ["selu"] = "SELU",
        ["Tanh"] = "Tanh", ["tanh"] = "Tanh", ["Hardtanh"] = "Tanh", ["Softsign"] = "Tanh",
        ["Sigmoid"] = "Sigmoid", ["sigmoid"] = "Sigmoid", ["Hardsigmoid"] = "Sigmoid",
    }.ToImmutableDictionary();

    /// <summary>Functional calls inside <c>forward</c> that regularise.</summary>
    public static readonly ImmutableHashSet<string> RegularizingFunctions = ImmutableHashSet.Create(
        "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
        "batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm");

    /// <summary>Loss module type names and functional loss names, by kind.</summary>
    public static readonly ImmutableDictionary<string, LossKind> LossModules = new Dictionary<string, LossKind>
    {
        ["CrossEntropyLoss"] = LossKind.CrossEntropy,
        ["NLLLoss"] = LossKind.NegativeLogLikelihood,
        ["MSELoss"] = LossKind.MeanSquared,
        ["L1Loss"] = LossKind.MeanAbsolute,
        ["SmoothL1Loss"] = LossKind.SmoothL1,
        ["HuberLoss"] = LossKind.Huber,
        ["BCELoss"] = LossKind.BinaryCrossEntropy,
        ["BCEWithLogitsLoss"] = LossKind.BinaryCrossEntropyWithLogits,
        ["KLDivLoss"] = LossKind.KLDivergence,
    }.ToImmutableDictionary();

    public static readonly ImmutableDictionary<string, LossKind> LossFunctions = new Dictionary<string, LossKind>
    {
        ["cross_entropy"] = LossKind.CrossEntropy,
        ["nll_loss"] = LossKind.NegativeLogLikelihood,
        ["mse_loss"] = LossKind.MeanSquared,
        ["l1_loss"] = LossKind.MeanAbsolute,
        ["smooth_l1_loss"] = LossKind.SmoothL1,
        ["huber_loss"] = LossKind.Huber,
        ["binary_cross_entropy"] = LossKind.BinaryCrossEntropy,
        ["binary_cross_entropy_with_logits"] = LossKind.BinaryCrossEntropyWithLogits,
        ["kl_div"] = LossKind.KLDivergence,
    }.ToImmutableDictionary();

    public static bool IsForwardName(string name) => name is "forward" or "call";

    /// <summary>The names a module is called by (<see cref="IsForwardName"/>).</summary>
    public static readonly ImmutableArray<string> ForwardNames = ImmutableArray.Create("forward", "call");

    /// <summary>The names a loss is computed by: a loss module's forward, or a functional loss.</summary>
    public static readonly ImmutableArray<string> LossCallNames = ForwardNames.AddRange(LossFunctions.Keys);
}
