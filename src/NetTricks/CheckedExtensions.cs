using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetTricks;

/// <summary><c>model.Checked()</c>: check a model while it trains (NT2004). See <see cref="CheckedSequential"/> and <see cref="CheckedModel"/>.</summary>
public static class CheckedExtensions
{
    /// <summary>
    /// A <see cref="CheckedSequential"/> with the same layers (shared, not copied) and names as
    /// <paramref name="model"/>, in the same training mode. Use it in place of the original; it is a Sequential.
    /// A model that is already a <see cref="CheckedSequential"/> is returned unchanged.
    /// </summary>
    /// <param name="model">The Sequential to check.</param>
    /// <param name="options">Thresholds and sampling; <c>null</c> for the defaults.</param>
    /// <returns>The checked Sequential, which owns the layers from now on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public static CheckedSequential Checked(this Sequential model, CheckedOptions? options = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        if (model is CheckedSequential already)
        {
            return already;
        }
        var layers = model.named_children()
            .Select(child => (child.name, child.module as nn.Module<Tensor, Tensor>
                ?? throw new ArgumentException($"Layer '{child.name}' ({child.module.GetType().Name}) is not a Module<Tensor, Tensor>.", nameof(model))))
            .ToArray();
        var result = CheckedSequential.Create(options, layers);
        result.train(model.training);
        return result;
    }

    /// <summary>
    /// Wraps <paramref name="model"/> in a transparent <see cref="CheckedModel"/> (same parameters and names).
    /// A model that is already a <see cref="CheckedModel"/> is returned unchanged.
    /// </summary>
    /// <param name="model">The model to check; the wrapper takes ownership of it.</param>
    /// <param name="options">Thresholds and sampling; <c>null</c> for the defaults.</param>
    /// <returns>The checked model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public static CheckedModel Checked(this nn.Module<Tensor, Tensor> model, CheckedOptions? options = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        return model as CheckedModel ?? new CheckedModel(model, options);
    }
}
