using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetTricks;

/// <summary>What <see cref="Init.ForActivations"/> did to one trainable layer.</summary>
/// <param name="Layer">Dotted module path (for example <c>fc1</c> or <c>encoder.0</c>).</param>
/// <param name="LayerType">TorchSharp module type (<c>Linear</c>, <c>Conv2d</c>, ...).</param>
/// <param name="FollowedBy">The activation chosen for the layer: the next activation module after it, or the output/hidden default.</param>
/// <param name="Method">The initializer used (<see cref="InitMethod.Kept"/> when the layer was left alone).</param>
/// <param name="Distribution">Normal or uniform draw.</param>
/// <param name="Gain">The gain applied (1 for LeCun; 0 when kept).</param>
/// <param name="Std">Standard deviation of the new weights (0 when kept).</param>
/// <param name="FanIn">Fan-in of the weight (input features × receptive field; 0 when kept).</param>
/// <param name="FanOut">Fan-out of the weight (output features × receptive field; 0 when kept).</param>
/// <param name="BiasZeroed">Whether a bias existed and was set to zero.</param>
/// <param name="Note">Why this activation was assumed or why the layer was kept; <c>null</c> when nothing to say.</param>
public sealed record InitPlanEntry(
    string Layer, string LayerType, Activation FollowedBy, InitMethod Method, InitDistribution Distribution,
    double Gain, double Std, long FanIn, long FanOut, bool BiasZeroed, string? Note)
{
    /// <summary>One line, for example <c>fc1 (Linear, fan_in 784, fan_out 256): He normal for ReLU, gain 1.414, std 0.0505; bias zeroed</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Layer).Append(" (").Append(LayerType);
        if (Method != InitMethod.Kept)
        {
            text.Append(", fan_in ").Append(FanIn.ToString(CultureInfo.InvariantCulture))
                .Append(", fan_out ").Append(FanOut.ToString(CultureInfo.InvariantCulture)).Append("): ")
                .Append(Method).Append(Distribution == InitDistribution.Normal ? " normal" : " uniform")
                .Append(" for ").Append(FollowedBy)
                .Append(", gain ").Append(Gain.ToString("0.###", CultureInfo.InvariantCulture))
                .Append(", std ").Append(Std.ToString("0.####", CultureInfo.InvariantCulture));
            if (BiasZeroed)
            {
                text.Append("; bias zeroed");
            }
        }
        else
        {
            text.Append("): kept");
        }
        if (Note is not null)
        {
            text.Append(" (").Append(Note).Append(')');
        }
        return text.ToString();
    }
}

/// <summary>The layers <see cref="Init.ForActivations"/> visited, in forward order; <see cref="ToString"/> prints it.</summary>
public sealed class InitPlan : IReadOnlyList<InitPlanEntry>
{
    private readonly IReadOnlyList<InitPlanEntry> entries;

    internal InitPlan(IReadOnlyList<InitPlanEntry> entries)
    {
        this.entries = entries;
    }

    /// <inheritdoc/>
    public int Count => entries.Count;

    /// <inheritdoc/>
    public InitPlanEntry this[int index] => entries[index];

    /// <summary>The entry of the layer with dotted path <paramref name="layer"/>.</summary>
    /// <exception cref="KeyNotFoundException">No trainable layer has that name.</exception>
    public InitPlanEntry this[string layer]
    {
        get
        {
            foreach (var entry in entries)
            {
                if (string.Equals(entry.Layer, layer, StringComparison.Ordinal))
                {
                    return entry;
                }
            }
            throw new KeyNotFoundException($"The plan has no trainable layer named '{layer}'. Layers: {string.Join(", ", Names())}.");
        }
    }

    /// <inheritdoc/>
    public IEnumerator<InitPlanEntry> GetEnumerator() => entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A header line and one line per layer.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("NetTricks initialization plan: ")
            .Append(entries.Count.ToString(CultureInfo.InvariantCulture))
            .Append(entries.Count == 1 ? " trainable layer" : " trainable layers");
        foreach (var entry in entries)
        {
            text.AppendLine().Append("  ").Append(entry);
        }
        return text.ToString();
    }

    private IEnumerable<string> Names()
    {
        foreach (var entry in entries)
        {
            yield return entry.Layer;
        }
    }
}
