namespace NetTricks;

/// <summary>
/// The nonlinearity that follows a layer, which decides how the layer's weights are initialised
/// (<see cref="Init.ForActivation"/>, <see cref="Init.Gain"/>).
/// </summary>
public enum Activation
{
    /// <summary>No activation (identity, or the layer feeds the loss directly): Xavier/Glorot with gain 1.</summary>
    None,

    /// <summary>ReLU (also ReLU6): He/Kaiming, gain √2.</summary>
    ReLU,

    /// <summary>Leaky ReLU with a negative slope a (default 0.01; PReLU/RReLU map here): He/Kaiming, gain √(2 / (1 + a²)).</summary>
    LeakyReLU,

    /// <summary>GELU: He/Kaiming with the gain that keeps the second moment, 1/√E[gelu(z)²] ≈ 1.534.</summary>
    GELU,

    /// <summary>SiLU / Swish (Mish and Hardswish map here): He/Kaiming, gain 1/√E[silu(z)²] ≈ 1.677.</summary>
    SiLU,

    /// <summary>ELU with alpha α (default 1; CELU maps here): He/Kaiming, gain 1/√E[elu(z)²] (≈ 1.245 for α = 1).</summary>
    ELU,

    /// <summary>SELU: LeCun (std 1/√fan_in), what self-normalisation assumes.</summary>
    SELU,

    /// <summary>Tanh (also Hardtanh, Softsign): Xavier/Glorot, gain 5/3 (PyTorch's value).</summary>
    Tanh,

    /// <summary>Sigmoid (also Hardsigmoid, LogSigmoid): Xavier/Glorot, gain 1.</summary>
    Sigmoid,

    /// <summary>Softmax or LogSoftmax (an output head): Xavier/Glorot, gain 1.</summary>
    Softmax,
}

/// <summary>Normal or uniform draw for an initializer; both have the same standard deviation.</summary>
public enum InitDistribution
{
    /// <summary>N(0, std²).</summary>
    Normal,

    /// <summary>U(-√3·std, √3·std).</summary>
    Uniform,
}

/// <summary>The initialization scheme chosen for a layer.</summary>
public enum InitMethod
{
    /// <summary>He/Kaiming: std = gain / √fan_in.</summary>
    He,

    /// <summary>Xavier/Glorot: std = gain · √(2 / (fan_in + fan_out)).</summary>
    Xavier,

    /// <summary>LeCun: std = 1 / √fan_in.</summary>
    LeCun,

    /// <summary>Orthogonal rows (or columns), scaled by the gain.</summary>
    Orthogonal,

    /// <summary>Not re-initialised (a layer kind the model walk does not handle, such as Embedding or LSTM).</summary>
    Kept,
}

/// <summary>What the output layer computes, for <see cref="Init.OutputBias(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, OutputHead, double)"/>.</summary>
public enum OutputHead
{
    /// <summary>Identity output trained with a regression loss (MSE, L1, Huber): bias = mean of the targets.</summary>
    Regression,

    /// <summary>Logits for a sigmoid (BCEWithLogits, multi-label): bias = logit(mean of the 0/1 targets).</summary>
    Sigmoid,

    /// <summary>Logits for a softmax (CrossEntropy): bias = log(class frequencies).</summary>
    Softmax,
}
