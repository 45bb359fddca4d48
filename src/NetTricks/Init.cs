using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace NetTricks;

/// <summary>
/// Weight initializers matched to the activation that follows a layer (NT2002, NT2003): He/Kaiming for the
/// ReLU family, Xavier/Glorot for tanh, sigmoid and softmax, LeCun for SELU, and orthogonal; a whole-model
/// initialization in one call (<see cref="ForActivations"/>); and the output bias from the mean of the targets
/// (<see cref="OutputBias(torch.Tensor, torch.Tensor, OutputHead, double)"/>).
/// </summary>
/// <remarks>
/// <para>Every initializer works in place under <c>torch.no_grad()</c> and returns the tensor it filled. A
/// <c>generator</c> makes the draw reproducible (it must live on the tensor's device, as in torch); <c>null</c>
/// uses torch's default generator, so <c>torch.manual_seed</c> applies.</para>
/// <para>Fans follow PyTorch's convention for a weight of shape [out, in, k1, k2, ...]: the receptive field is
/// k1·k2·..., fan_in = in × receptive field and fan_out = out × receptive field. So a Linear weight [out, in] has
/// fan_in = in, and a Conv2d weight [64, 3, 5, 5] has fan_in = 75. (For ConvTranspose, whose weight is
/// [in, out, k...], this swaps the two fans, exactly as PyTorch's own init does.)</para>
/// </remarks>
public static class Init
{
    // 1/sqrt(E[f(z)^2]) for z ~ N(0, 1): the gain that keeps the second moment of the pre-activations from layer
    // to layer, which is He's derivation for a general f (it gives exactly sqrt(2) for ReLU). Computed by quadrature.
    private const double GeluGain = 1.5335304411955668;
    private const double SiluGain = 1.676532470331127;

    // Phi(-1) and Phi(-2) of the standard normal, for the closed-form ELU second moment.
    private const double NormalCdfMinusOne = 0.15865525393145707;
    private const double NormalCdfMinusTwo = 0.022750131948179195;

    /// <summary>fan_in and fan_out of a weight of shape [out, in, k1, k2, ...] (see the remarks on <see cref="Init"/>).</summary>
    /// <param name="weight">A weight with at least two dimensions.</param>
    /// <returns>(in × receptive field, out × receptive field).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions or is disposed.</exception>
    public static (long FanIn, long FanOut) Fans(torch.Tensor weight)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: false);
        long receptiveField = 1;
        for (int d = 2; d < weight.shape.Length; d++)
        {
            receptiveField *= weight.shape[d];
        }
        return (weight.shape[1] * receptiveField, weight.shape[0] * receptiveField);
    }

    /// <summary>
    /// The gain for <paramref name="activation"/>: √2 for ReLU, √(2/(1+a²)) for LeakyReLU, 5/3 for tanh, 1 for
    /// sigmoid, softmax, SELU and none (PyTorch's <c>calculate_gain</c> values), and 1/√E[f(z)²] with z ~ N(0, 1)
    /// for GELU (≈ 1.534), SiLU (≈ 1.677) and ELU (≈ 1.245 for α = 1), which is He's variance argument applied to
    /// those functions.
    /// </summary>
    /// <param name="activation">The activation that follows the layer.</param>
    /// <param name="parameter">LeakyReLU's negative slope (default 0.01) or ELU's alpha (default 1); ignored otherwise.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameter"/> is not finite, or a negative ELU alpha.</exception>
    public static double Gain(Activation activation, double? parameter = null)
    {
        switch (activation)
        {
            case Activation.ReLU:
                return Math.Sqrt(2.0);
            case Activation.LeakyReLU:
                double slope = ValidateParameter(parameter ?? 0.01, nameof(parameter), "LeakyReLU's negative slope");
                return Math.Sqrt(2.0 / (1.0 + slope * slope));
            case Activation.GELU:
                return GeluGain;
            case Activation.SiLU:
                return SiluGain;
            case Activation.ELU:
                double alpha = ValidateParameter(parameter ?? 1.0, nameof(parameter), "ELU's alpha");
                if (alpha < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(parameter), alpha, $"ELU's alpha must be non-negative, but was {alpha}.");
                }
                // E[elu(z)^2] = 1/2 + alpha^2 * E[(e^z - 1)^2; z < 0], and E[e^(kz); z < 0] = e^(k^2/2) Phi(-k).
                double negativePart = Math.Exp(2.0) * NormalCdfMinusTwo - 2.0 * Math.Exp(0.5) * NormalCdfMinusOne + 0.5;
                return 1.0 / Math.Sqrt(0.5 + alpha * alpha * negativePart);
            case Activation.Tanh:
                return 5.0 / 3.0;
            case Activation.None:
            case Activation.SELU:
            case Activation.Sigmoid:
            case Activation.Softmax:
                return 1.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown activation {activation}.");
        }
    }

    /// <summary>He/Kaiming normal: N(0, (gain/√fan_in)²) with the gain of <paramref name="activation"/>.</summary>
    /// <param name="weight">The weight to fill in place ([out, in, ...], floating point).</param>
    /// <param name="activation">The activation after the layer (default ReLU).</param>
    /// <param name="parameter">LeakyReLU's negative slope or ELU's alpha (see <see cref="Gain"/>).</param>
    /// <param name="generator">Random generator; <c>null</c> for torch's default.</param>
    /// <returns><paramref name="weight"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions, no elements, is not floating point or is disposed.</exception>
    public static torch.Tensor HeNormal(torch.Tensor weight, Activation activation = Activation.ReLU, double? parameter = null, torch.Generator? generator = null) =>
        He(weight, activation, parameter, InitDistribution.Normal, generator);

    /// <summary>He/Kaiming uniform: U(-b, b) with b = √3 · gain/√fan_in and the gain of <paramref name="activation"/>.</summary>
    /// <inheritdoc cref="HeNormal"/>
    public static torch.Tensor HeUniform(torch.Tensor weight, Activation activation = Activation.ReLU, double? parameter = null, torch.Generator? generator = null) =>
        He(weight, activation, parameter, InitDistribution.Uniform, generator);

    /// <summary>Xavier/Glorot normal: N(0, std²) with std = gain · √(2 / (fan_in + fan_out)).</summary>
    /// <param name="weight">The weight to fill in place ([out, in, ...], floating point).</param>
    /// <param name="gain">Positive gain (5/3 for tanh, 1 for sigmoid, softmax and linear outputs).</param>
    /// <param name="generator">Random generator; <c>null</c> for torch's default.</param>
    /// <returns><paramref name="weight"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions, no elements, is not floating point or is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gain"/> is not positive and finite.</exception>
    public static torch.Tensor XavierNormal(torch.Tensor weight, double gain = 1.0, torch.Generator? generator = null) =>
        Xavier(weight, gain, InitDistribution.Normal, generator);

    /// <summary>Xavier/Glorot uniform: U(-b, b) with b = gain · √(6 / (fan_in + fan_out)).</summary>
    /// <inheritdoc cref="XavierNormal"/>
    public static torch.Tensor XavierUniform(torch.Tensor weight, double gain = 1.0, torch.Generator? generator = null) =>
        Xavier(weight, gain, InitDistribution.Uniform, generator);

    /// <summary>LeCun normal: N(0, 1/fan_in), the initialization SELU's self-normalisation assumes.</summary>
    /// <param name="weight">The weight to fill in place ([out, in, ...], floating point).</param>
    /// <param name="generator">Random generator; <c>null</c> for torch's default.</param>
    /// <returns><paramref name="weight"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions, no elements, is not floating point or is disposed.</exception>
    public static torch.Tensor LeCunNormal(torch.Tensor weight, torch.Generator? generator = null) =>
        LeCun(weight, InitDistribution.Normal, generator);

    /// <summary>LeCun uniform: U(-b, b) with b = √(3/fan_in).</summary>
    /// <inheritdoc cref="LeCunNormal"/>
    public static torch.Tensor LeCunUniform(torch.Tensor weight, torch.Generator? generator = null) =>
        LeCun(weight, InitDistribution.Uniform, generator);

    /// <summary>
    /// Orthogonal initialization (Saxe et al.): the weight, viewed as a matrix [out, in × receptive field], gets
    /// orthonormal rows (when out ≤ in: W Wᵀ = gain² I) or orthonormal columns (when out &gt; in: Wᵀ W = gain² I),
    /// from the QR decomposition of a Gaussian matrix with the signs fixed so the result is uniformly distributed.
    /// </summary>
    /// <param name="weight">The weight to fill in place (at least two dimensions, floating point).</param>
    /// <param name="gain">Positive scale factor (use <see cref="Gain"/> of the following activation).</param>
    /// <param name="generator">Random generator for the Gaussian matrix; <c>null</c> for torch's default.</param>
    /// <returns><paramref name="weight"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions, no elements, is not floating point or is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gain"/> is not positive and finite.</exception>
    public static torch.Tensor Orthogonal(torch.Tensor weight, double gain = 1.0, torch.Generator? generator = null)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: true);
        ValidateGain(gain);
        long rows = weight.shape[0];
        long columns = weight.numel() / rows;
        bool wide = rows < columns;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // QR of a tall matrix gives orthonormal columns; a wide weight is built transposed. Drawn in float64 on the
        // generator's device so that a seeded generator reproduces the weight whatever the weight's dtype and device.
        var gaussian = torch.randn(
            wide ? new[] { columns, rows } : new[] { rows, columns },
            dtype: torch.ScalarType.Float64, device: generator?.device ?? torch.CPU, generator: generator);
        var (q, r) = torch.linalg.qr(gaussian);
        // Multiplying each column by the sign of R's diagonal makes the distribution uniform (Haar), not just orthogonal.
        var orthogonal = q * r.diagonal().sign().unsqueeze(0);
        if (wide)
        {
            orthogonal = orthogonal.t();
        }
        weight.copy_((orthogonal * gain).reshape(weight.shape));
        return weight;
    }

    /// <summary>
    /// Initialises <paramref name="weight"/> for the activation that follows it: He/Kaiming (fan_in) for ReLU,
    /// LeakyReLU, GELU, SiLU and ELU; LeCun for SELU; Xavier/Glorot with gain 5/3 for tanh and gain 1 for sigmoid,
    /// softmax and none.
    /// </summary>
    /// <param name="weight">The weight to fill in place ([out, in, ...], floating point).</param>
    /// <param name="activation">The activation after the layer.</param>
    /// <param name="parameter">LeakyReLU's negative slope or ELU's alpha (see <see cref="Gain"/>).</param>
    /// <param name="distribution">Normal (default) or uniform with the same standard deviation.</param>
    /// <param name="generator">Random generator; <c>null</c> for torch's default.</param>
    /// <returns><paramref name="weight"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> has fewer than two dimensions, no elements, is not floating point or is disposed.</exception>
    public static torch.Tensor ForActivation(
        torch.Tensor weight, Activation activation, double? parameter = null,
        InitDistribution distribution = InitDistribution.Normal, torch.Generator? generator = null)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: true);
        var (method, gain) = Choose(activation, parameter);
        Fill(weight, Std(method, gain, Fans(weight)), distribution, generator);
        return weight;
    }

    /// <summary>
    /// Initialises every Linear, Conv*/ConvTranspose* and Bilinear layer of <paramref name="model"/> for the
    /// activation that follows it, and zeroes their biases, in one call.
    /// </summary>
    /// <remarks>
    /// <para>The walk visits the modules depth-first in registration order (the order of a Sequential, and of the
    /// fields that <c>RegisterComponents()</c> registers), which is the forward order in almost all models. For each
    /// trainable layer it takes the first activation module after it, skipping modules that are neither layers nor
    /// activations (Dropout, BatchNorm/LayerNorm, pooling, Flatten, custom modules without children). When another
    /// trainable layer comes first, <see cref="InitOptions.HiddenActivation"/> applies (default: linear); after the
    /// last trainable layer, <see cref="InitOptions.OutputActivation"/> (default: linear, Xavier gain 1).
    /// <see cref="InitOptions.Activations"/> overrides any layer by name.</para>
    /// <para>Embedding, recurrent, attention and Transformer layers keep their own initialization; they appear in
    /// the plan as <see cref="InitMethod.Kept"/>.</para>
    /// </remarks>
    /// <param name="model">The model (any module; a Sequential or a custom module).</param>
    /// <param name="options">Distribution, output and hidden defaults, overrides, generator; <c>null</c> for defaults.</param>
    /// <returns>What was done to each trainable layer, in order; print it with <c>ToString()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">An override names a layer that is not a trainable layer of the model.</exception>
    public static InitPlan ForActivations(torch.nn.Module model, InitOptions? options = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        options ??= new InitOptions();
        var leaves = InitLayers.Leaves(model);
        ValidateOverrides(leaves, options);

        var entries = new List<InitPlanEntry>();
        for (int i = 0; i < leaves.Count; i++)
        {
            var layer = leaves[i];
            string typeName = layer.Module.GetType().Name;
            if (layer.Role == LayerRole.KeptTrainable)
            {
                entries.Add(new InitPlanEntry(layer.DisplayName, typeName, Activation.None, InitMethod.Kept,
                    options.Distribution, 0, 0, 0, 0, false, "initialised its own way"));
                continue;
            }
            if (layer.Role != LayerRole.Trainable)
            {
                continue;
            }
            var (activation, parameter, note) = FollowingActivation(leaves, i, options);
            var weight = layer.Weight!;
            var (method, gain) = Choose(activation, parameter);
            var fans = Fans(weight);
            double std = Std(method, gain, fans);
            Fill(weight, std, options.Distribution, options.Generator);
            bool biasZeroed = false;
            if (options.ZeroBiases && layer.Bias is { } bias)
            {
                using var noGrad = torch.no_grad();
                bias.zero_();
                biasZeroed = true;
            }
            entries.Add(new InitPlanEntry(layer.DisplayName, typeName, activation, method, options.Distribution,
                gain, std, fans.FanIn, fans.FanOut, biasZeroed, note));
        }
        return new InitPlan(entries);
    }

    /// <summary>Extension form of <see cref="ForActivations"/>: <c>model.InitializeForActivations()</c>.</summary>
    /// <inheritdoc cref="ForActivations"/>
    public static InitPlan InitializeForActivations(this torch.nn.Module model, InitOptions? options = null) =>
        ForActivations(model, options);

    /// <summary>
    /// Sets an output bias so that the untrained model already predicts the average target: the inverse of the
    /// output activation applied to the mean of the targets. Regression: bias = mean(targets) per output; sigmoid:
    /// bias = logit(mean) per output; softmax: bias = log(frequency of each class). This removes the large, useless
    /// first steps in which the network only learns the target mean (and, for imbalanced classes, the prior).
    /// </summary>
    /// <param name="bias">The output layer's bias, shape [outputs].</param>
    /// <param name="targets">
    /// Training targets. Regression and sigmoid: shape [N] for one output or [N, outputs, ...] (mean over every
    /// dimension but 1); sigmoid targets must lie in [0, 1]. Softmax: class indices of an integer type (any shape,
    /// values in [0, outputs)) or probabilities / one-hot of shape [N, outputs, ...].
    /// </param>
    /// <param name="head">What the output layer feeds.</param>
    /// <param name="epsilon">
    /// Probabilities are clamped to [epsilon, 1 - epsilon] before logit/log so that a class that never occurs (or
    /// a mean of exactly 0 or 1) gives a large finite bias instead of infinity. Default 1e-6; in (0, 0.5).
    /// </param>
    /// <returns><paramref name="bias"/>, filled in place.</returns>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentException">Shapes do not match, targets are out of range or not finite, a tensor is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is outside (0, 0.5).</exception>
    public static torch.Tensor OutputBias(torch.Tensor bias, torch.Tensor targets, OutputHead head, double epsilon = 1e-6)
    {
        ValidateBias(bias);
        ValidateTargets(targets);
        if (!(epsilon > 0 && epsilon < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon must be in (0, 0.5), but was {epsilon}.");
        }
        long outputs = bias.shape[0];
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.Tensor value;
        switch (head)
        {
            case OutputHead.Regression:
                value = TargetMeans(targets, outputs);
                break;
            case OutputHead.Sigmoid:
                var (min, max) = MinMax(targets);
                if (min < 0 || max > 1)
                {
                    throw new ArgumentException(
                        $"Sigmoid targets must lie in [0, 1] (labels or probabilities), but they range over [{min}, {max}].", nameof(targets));
                }
                var p = TargetMeans(targets, outputs).clamp(epsilon, 1 - epsilon);
                value = p.log() - (-p).log1p();
                break;
            case OutputHead.Softmax:
                value = ClassFrequencies(targets, outputs).clamp_min(epsilon).log();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(head), head, $"Unknown output head {head}.");
        }
        bias.copy_(value);
        return bias;
    }

    /// <summary>
    /// <see cref="OutputBias(torch.Tensor, torch.Tensor, OutputHead, double)"/> on the bias of the last trainable
    /// layer of <paramref name="model"/> (in the order of <see cref="ForActivations"/>).
    /// </summary>
    /// <param name="model">The model whose last Linear/Conv/Bilinear layer is the output layer.</param>
    /// <param name="targets">Training targets (see the other overload).</param>
    /// <param name="head">What the output layer feeds.</param>
    /// <param name="epsilon">Probability clamp (see the other overload).</param>
    /// <returns>The output layer's bias, filled in place.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="targets"/> is null.</exception>
    /// <exception cref="ArgumentException">The model has no trainable layer, its last one has no bias, or the targets do not fit.</exception>
    public static torch.Tensor OutputBias(torch.nn.Module model, torch.Tensor targets, OutputHead head, double epsilon = 1e-6)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        var output = InitLayers.Leaves(model).LastOrDefault(l => l.Role == LayerRole.Trainable)
            ?? throw new ArgumentException("The model has no Linear, Conv or Bilinear layer whose bias could be set.", nameof(model));
        var bias = output.Bias
            ?? throw new ArgumentException($"The output layer '{output.DisplayName}' has no bias (it was created with hasBias: false).", nameof(model));
        return OutputBias(bias, targets, head, epsilon);
    }

    internal static (InitMethod Method, double Gain) Choose(Activation activation, double? parameter) => activation switch
    {
        Activation.ReLU or Activation.LeakyReLU or Activation.GELU or Activation.SiLU or Activation.ELU =>
            (InitMethod.He, Gain(activation, parameter)),
        Activation.SELU => (InitMethod.LeCun, 1.0),
        Activation.Tanh or Activation.Sigmoid or Activation.Softmax or Activation.None => (InitMethod.Xavier, Gain(activation)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown activation {activation}."),
    };

    private static double Std(InitMethod method, double gain, (long FanIn, long FanOut) fans) => method switch
    {
        InitMethod.He => gain / Math.Sqrt(fans.FanIn),
        InitMethod.LeCun => 1.0 / Math.Sqrt(fans.FanIn),
        _ => gain * Math.Sqrt(2.0 / (fans.FanIn + fans.FanOut)),
    };

    private static torch.Tensor He(torch.Tensor weight, Activation activation, double? parameter, InitDistribution distribution, torch.Generator? generator)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: true);
        double gain = Gain(activation, parameter);
        return Fill(weight, Std(InitMethod.He, gain, Fans(weight)), distribution, generator);
    }

    private static torch.Tensor Xavier(torch.Tensor weight, double gain, InitDistribution distribution, torch.Generator? generator)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: true);
        ValidateGain(gain);
        return Fill(weight, Std(InitMethod.Xavier, gain, Fans(weight)), distribution, generator);
    }

    private static torch.Tensor LeCun(torch.Tensor weight, InitDistribution distribution, torch.Generator? generator)
    {
        ValidateWeight(weight, nameof(weight), requireFloating: true);
        return Fill(weight, Std(InitMethod.LeCun, 1.0, Fans(weight)), distribution, generator);
    }

    private static torch.Tensor Fill(torch.Tensor weight, double std, InitDistribution distribution, torch.Generator? generator)
    {
        using var noGrad = torch.no_grad();
        if (distribution == InitDistribution.Normal)
        {
            weight.normal_(0.0, std, generator);
        }
        else
        {
            double bound = Math.Sqrt(3.0) * std; // U(-b, b) has variance b²/3
            weight.uniform_(-bound, bound, generator);
        }
        return weight;
    }

    private static (Activation Activation, double? Parameter, string? Note) FollowingActivation(List<LayerInfo> leaves, int index, InitOptions options)
    {
        var layer = leaves[index];
        if (options.Activations.TryGetValue(layer.Name, out var forced))
        {
            return (forced, null, "activation from InitOptions.Activations");
        }
        for (int j = index + 1; j < leaves.Count; j++)
        {
            var next = leaves[j];
            if (next.Role == LayerRole.Activation)
            {
                return (next.Activation, next.ActivationParameter, null);
            }
            if (next.Role is LayerRole.Trainable or LayerRole.KeptTrainable)
            {
                return options.HiddenActivation is { } hidden
                    ? (hidden, null, $"no activation module before '{next.DisplayName}': InitOptions.HiddenActivation")
                    : (Activation.None, null, $"no activation module before '{next.DisplayName}': treated as linear; set InitOptions.HiddenActivation if forward applies a functional activation");
            }
        }
        return (options.OutputActivation, null, "output layer");
    }

    private static void ValidateOverrides(List<LayerInfo> leaves, InitOptions options)
    {
        foreach (var name in options.Activations.Keys)
        {
            if (!leaves.Any(l => l.Role == LayerRole.Trainable && l.Name == name))
            {
                var names = leaves.Where(l => l.Role == LayerRole.Trainable).Select(l => l.DisplayName);
                throw new ArgumentException(
                    $"InitOptions.Activations names '{name}', which is not a trainable layer of the model. Trainable layers: {string.Join(", ", names)}.",
                    nameof(options));
            }
        }
    }

    private static void ValidateWeight(torch.Tensor weight, string name, bool requireFloating)
    {
        if (weight is null)
        {
            throw new ArgumentNullException(name);
        }
        if (weight.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }
        if (weight.dim() < 2)
        {
            throw new ArgumentException(
                $"{name} has {weight.dim()} dimension(s); fan-in and fan-out need a weight of shape [out, in, ...]. Biases and other vectors are set with zeros_ or constant_, not with these initializers.",
                name);
        }
        if (weight.numel() == 0)
        {
            throw new ArgumentException($"{name} has no elements (shape [{string.Join(", ", weight.shape)}]).", name);
        }
        if (requireFloating && !torch.is_floating_point(weight))
        {
            throw new ArgumentException($"{name} must be a floating-point tensor, but its dtype is {weight.dtype}.", name);
        }
    }

    private static void ValidateGain(double gain)
    {
        if (!(gain > 0) || double.IsInfinity(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, $"gain must be positive and finite, but was {gain}.");
        }
    }

    private static double ValidateParameter(double value, string name, string what)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be finite, but was {value}.");
        }
        return value;
    }

    private static void ValidateBias(torch.Tensor bias)
    {
        if (bias is null)
        {
            throw new ArgumentNullException(nameof(bias));
        }
        if (bias.IsInvalid)
        {
            throw new ArgumentException("bias has been disposed.", nameof(bias));
        }
        if (bias.dim() != 1 || bias.shape[0] == 0 || !torch.is_floating_point(bias))
        {
            throw new ArgumentException(
                $"bias must be a non-empty floating-point vector (one value per output), but has shape [{string.Join(", ", bias.shape)}] and dtype {bias.dtype}.",
                nameof(bias));
        }
    }

    private static void ValidateTargets(torch.Tensor targets)
    {
        if (targets is null)
        {
            throw new ArgumentNullException(nameof(targets));
        }
        if (targets.IsInvalid)
        {
            throw new ArgumentException("targets has been disposed.", nameof(targets));
        }
        if (targets.dim() == 0 || targets.numel() == 0)
        {
            throw new ArgumentException(
                $"targets must hold at least one sample along dimension 0, but has shape [{string.Join(", ", targets.shape)}].", nameof(targets));
        }
    }

    // Mean over every dimension except 1 (the output dimension), in float64, on the targets' device.
    private static torch.Tensor TargetMeans(torch.Tensor targets, long outputs)
    {
        var values = targets.to_type(torch.ScalarType.Float64);
        torch.Tensor mean;
        if (values.dim() == 1)
        {
            if (outputs != 1)
            {
                throw new ArgumentException(
                    $"targets has one value per sample (shape [{targets.shape[0]}]) but the bias has {outputs} outputs; pass targets of shape [N, {outputs}].",
                    nameof(targets));
            }
            mean = values.mean().reshape(1);
        }
        else
        {
            if (values.shape[1] != outputs)
            {
                throw new ArgumentException(
                    $"targets has {values.shape[1]} values per sample along dimension 1 (shape [{string.Join(", ", targets.shape)}]) but the bias has {outputs} outputs.",
                    nameof(targets));
            }
            var dims = Enumerable.Range(0, (int)values.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
            mean = values.mean(dims);
        }
        if (!mean.isfinite().all().item<bool>())
        {
            throw new ArgumentException("targets contain NaN or infinite values; their mean is not finite.", nameof(targets));
        }
        return mean;
    }

    private static torch.Tensor ClassFrequencies(torch.Tensor targets, long classes)
    {
        if (torch.is_floating_point(targets))
        {
            if (targets.dim() < 2)
            {
                throw new ArgumentException(
                    $"Floating-point softmax targets must be probabilities or one-hot vectors of shape [N, {classes}, ...], but have shape [{string.Join(", ", targets.shape)}]; pass class indices as an integer tensor.",
                    nameof(targets));
            }
            var (min, max) = MinMax(targets);
            if (min < 0 || max > 1)
            {
                throw new ArgumentException($"Softmax probability targets must lie in [0, 1], but they range over [{min}, {max}].", nameof(targets));
            }
            var mean = TargetMeans(targets, classes);
            return mean / mean.sum();
        }
        var indices = targets.flatten().to_type(torch.ScalarType.Int64);
        var (low, high) = MinMax(indices);
        if (low < 0 || high >= classes)
        {
            throw new ArgumentException(
                $"Class indices must lie in [0, {classes - 1}] for a bias of {classes} outputs, but they range over [{low}, {high}].", nameof(targets));
        }
        return indices.bincount(null, classes).to_type(torch.ScalarType.Float64) / indices.shape[0];
    }

    private static (double Min, double Max) MinMax(torch.Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        var flat = values.flatten().to_type(torch.ScalarType.Float64);
        return (flat.min().item<double>(), flat.max().item<double>());
    }
}
