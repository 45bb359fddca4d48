using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static System.FormattableString;

namespace NetTricks;

/// <summary>
/// The ranges a <see cref="HyperParameterSearch"/> samples from, declared fluently:
/// <code>
/// var space = new HyperParameterSpace()
///     .LogUniform("lr", 1e-4, 1e-1)
///     .Integer("hidden", 16, 256, logScale: true)
///     .Uniform("dropout", 0.0, 0.5)
///     .Choice("activation", "relu", "tanh");
/// </code>
/// </summary>
public sealed class HyperParameterSpace
{
    private readonly List<(string Name, Func<Random, object> Sample, string Description)> dimensions = new();

    /// <summary>The names, in declaration order.</summary>
    public IReadOnlyList<string> Names => dimensions.Select(d => d.Name).ToArray();

    /// <summary>A <c>double</c> drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite, or <paramref name="high"/> is not above <paramref name="low"/>.</exception>
    public HyperParameterSpace Uniform(string name, double low, double high)
    {
        ValidateRange(low, high, nameof(low), nameof(high));
        return Add(name, r => Math.Min(low + (high - low) * r.NextDouble(), Math.BitDecrement(high)), Invariant($"uniform [{low:G4}, {high:G4})"));
    }

    /// <summary>
    /// A <c>double</c> whose logarithm is uniform on [log <paramref name="low"/>, log <paramref name="high"/>): every decade gets the
    /// same share of trials. The right range for learning rates, weight decays and other scale parameters.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="low"/> is not positive, or <paramref name="high"/> is not above it.</exception>
    public HyperParameterSpace LogUniform(string name, double low, double high)
    {
        ValidateRange(low, high, nameof(low), nameof(high));
        if (!(low > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"A log-uniform range needs a positive lower bound, but '{name}' has low = {low}.");
        }
        double logLow = Math.Log(low);
        double logHigh = Math.Log(high);
        // Clamped because exp(log(high)) can round to high or just above it.
        return Add(name, r => Math.Min(Math.Exp(logLow + (logHigh - logLow) * r.NextDouble()), Math.BitDecrement(high)), Invariant($"log-uniform [{low:G4}, {high:G4})"));
    }

    /// <summary>An <c>int</c> from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
    /// <param name="name">The name.</param>
    /// <param name="low">Smallest value.</param>
    /// <param name="high">Largest value (at least <paramref name="low"/>).</param>
    /// <param name="logScale">Draw the logarithm uniformly (each value k gets weight log((k+1)/k)), for sizes such as
    /// hidden units or batch sizes where 16 vs 32 matters as much as 256 vs 512; needs <paramref name="low"/> &gt;= 1.</param>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is below <paramref name="low"/>, or a log scale with <paramref name="low"/> &lt; 1.</exception>
    public HyperParameterSpace Integer(string name, int low, int high, bool logScale = false)
    {
        if (high < low)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"high ({high}) must be at least low ({low}) for '{name}'.");
        }
        if (!logScale)
        {
            return Add(name, r => (int)r.NextInt64(low, (long)high + 1), Invariant($"integer [{low}, {high}]"));
        }
        if (low < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"A log-scale integer range needs low >= 1, but '{name}' has low = {low}.");
        }
        double logLow = Math.Log(low);
        double logEnd = Math.Log((double)high + 1);
        return Add(name, r => (int)Math.Clamp(Math.Floor(Math.Exp(logLow + (logEnd - logLow) * r.NextDouble())), low, high),
            Invariant($"log-scale integer [{low}, {high}]"));
    }

    /// <summary>One of <paramref name="options"/>, each equally likely.</summary>
    /// <exception cref="ArgumentException">The name is empty or already used, or there is no option.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one option is null.</exception>
    public HyperParameterSpace Choice<T>(string name, params T[] options)
        where T : notnull
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }
        if (options.Length == 0)
        {
            throw new ArgumentException($"A choice needs at least one option, but '{name}' has none.", nameof(options));
        }
        if (options.Any(o => o is null))
        {
            throw new ArgumentNullException(nameof(options), $"The options of '{name}' must not be null.");
        }
        var copy = options.ToArray();
        return Add(name, r => copy[r.Next(copy.Length)], "choice of " + string.Join(", ", copy.Select(o => Convert.ToString(o, CultureInfo.InvariantCulture))));
    }

    /// <summary>One line per parameter: its name and range.</summary>
    public override string ToString() => string.Join(Environment.NewLine, dimensions.Select(d => $"{d.Name}: {d.Description}"));

    internal HyperParameters Sample(Random random, int trial, int seed) =>
        new(trial, seed, dimensions.Select(d => new KeyValuePair<string, object>(d.Name, d.Sample(random))).ToArray());

    private HyperParameterSpace Add(string name, Func<Random, object> sample, string description)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A hyper-parameter needs a non-empty name.", nameof(name));
        }
        if (dimensions.Any(d => d.Name == name))
        {
            throw new ArgumentException($"The space already has a hyper-parameter named '{name}'.", nameof(name));
        }
        dimensions.Add((name, sample, description));
        return this;
    }

    private static void ValidateRange(double low, double high, string lowName, string highName)
    {
        if (!double.IsFinite(low))
        {
            throw new ArgumentOutOfRangeException(lowName, low, $"low must be finite, but was {low}.");
        }
        if (!double.IsFinite(high) || !(high > low))
        {
            throw new ArgumentOutOfRangeException(highName, high, $"high must be finite and above low ({low}), but was {high}.");
        }
    }
}
