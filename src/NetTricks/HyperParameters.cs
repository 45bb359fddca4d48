using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;

namespace NetTricks;

/// <summary>
/// The values of one trial of a <see cref="HyperParameterSearch"/>, by name, in the order the space declares them:
/// <c>double</c> for uniform and log-uniform ranges, <c>int</c> for integer ranges, the option itself for choices.
/// </summary>
public sealed class HyperParameters : IReadOnlyDictionary<string, object>
{
    private readonly KeyValuePair<string, object>[] values;

    internal HyperParameters(int trial, int seed, KeyValuePair<string, object>[] values)
    {
        Trial = trial;
        Seed = seed;
        this.values = values;
    }

    /// <summary>0-based index of the trial these values are for.</summary>
    public int Trial { get; }

    /// <summary>
    /// A seed for this trial's own randomness (weight initialisation, shuffling), drawn from the search's seed: pass it to
    /// <c>torch.manual_seed</c> or a <c>torch.Generator</c> so that a trial can be rerun on its own with the same result.
    /// </summary>
    public int Seed { get; }

    /// <summary>A value as <see cref="double"/> (integer values are converted).</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidCastException">The value is a non-numeric choice.</exception>
    public double GetDouble(string name) => this[name] switch
    {
        double d => d,
        int i => i,
        IConvertible c when c is not string and not char and not bool => c.ToDouble(CultureInfo.InvariantCulture),
        var other => throw new InvalidCastException($"Hyper-parameter '{name}' is {other} ({other.GetType().Name}), not a number."),
    };

    /// <summary>A value as <see cref="int"/> (integer ranges and integer choices).</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidCastException">The value is not an integer.</exception>
    public int GetInt(string name) => this[name] is int i
        ? i
        : throw new InvalidCastException($"Hyper-parameter '{name}' is {this[name]} ({this[name].GetType().Name}), not an int; use GetDouble or Get<T>.");

    /// <summary>A value as its own type (a choice's option, or <c>double</c>/<c>int</c>).</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidCastException">The value is not a <typeparamref name="T"/>.</exception>
    public T Get<T>(string name) => this[name] is T value
        ? value
        : throw new InvalidCastException($"Hyper-parameter '{name}' is {this[name]} ({this[name].GetType().Name}), not a {typeof(T).Name}.");

    /// <inheritdoc/>
    /// <exception cref="KeyNotFoundException">No parameter has that name (the message lists the names).</exception>
    public object this[string key] => TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"No hyper-parameter named '{key}'; the space has: {string.Join(", ", Keys)}.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => values.Select(v => v.Key);

    /// <inheritdoc/>
    public IEnumerable<object> Values => values.Select(v => v.Value);

    /// <inheritdoc/>
    public int Count => values.Length;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => values.Any(v => v.Key == key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value)
    {
        foreach (var pair in values)
        {
            if (pair.Key == key)
            {
                value = pair.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"name=value, ..." with rates in scientific notation.</summary>
    public override string ToString() => string.Join(", ", values.Select(v => v.Key + "=" + FormatValue(v.Value)));

    private static string FormatValue(object value) => value switch
    {
        double d when d != 0 && (Math.Abs(d) < 1e-2 || Math.Abs(d) >= 1e4) => ProbeStep.Format(d),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
