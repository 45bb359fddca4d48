using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// What a module is, as far as the rules care: its output's last operation and structural facts.
/// Flags are three-valued (null = unknown); a rule that needs a fact stays silent on unknown.
/// </summary>
internal sealed class ModuleInfo
{
    public static readonly ModuleInfo Unknown = new("?", OutputActivation.Unknown, null, null, null, 0, false, ImmutableArray<ModuleInfo>.Empty);

    public ModuleInfo(string name, OutputActivation output, bool? hasRecurrent, bool? hasDropout, bool? hasNormalization,
        long knownParameters, bool isKnown, ImmutableArray<ModuleInfo> layers)
    {
        Name = name;
        Output = output;
        HasRecurrent = hasRecurrent;
        HasDropout = hasDropout;
        HasNormalization = hasNormalization;
        KnownParameters = knownParameters;
        IsKnown = isKnown;
        Layers = layers;
    }

    /// <summary>The type name (user module class or TorchSharp module).</summary>
    public string Name { get; }

    public OutputActivation Output { get; }

    public bool? HasRecurrent { get; }

    public bool? HasDropout { get; }

    public bool? HasNormalization { get; }

    /// <summary>A lower bound on the trainable parameters: the sum of the layers whose sizes are literal.</summary>
    public long KnownParameters { get; }

    public bool IsKnown { get; }

    public ImmutableArray<ModuleInfo> Layers { get; }

    public bool? HasRegularizingLayer => HasDropout == true || HasNormalization == true ? true
        : HasDropout == false && HasNormalization == false ? false : null;

    /// <summary>
    /// True when the module provably behaves differently in train and eval mode (Dropout, or BatchNorm /
    /// InstanceNorm anywhere inside): running it for evaluation without eval() gives different results.
    /// </summary>
    public bool HasModeDependentLayer => HasDropout == true ||
        Layers.Any(l => l.Name.StartsWith("BatchNorm", System.StringComparison.Ordinal) || l.Name.StartsWith("InstanceNorm", System.StringComparison.Ordinal) || l.HasModeDependentLayer);

    /// <summary>Several possible definitions of one module value: facts they agree on survive.</summary>
    public static ModuleInfo Combine(IReadOnlyList<ModuleInfo> candidates)
    {
        if (candidates.Count == 0)
            return Unknown;
        if (candidates.Count == 1)
            return candidates[0];
        if (candidates.Any(c => !c.IsKnown))
            return Unknown;
        static bool? Agree(IEnumerable<bool?> values)
        {
            var distinct = values.Distinct().ToList();
            return distinct.Count == 1 ? distinct[0] : null;
        }

        return new ModuleInfo(
            candidates.Select(c => c.Name).Distinct().Count() == 1 ? candidates[0].Name : "?",
            OutputActivation.Combine(candidates.Select(c => c.Output)),
            Agree(candidates.Select(c => c.HasRecurrent)),
            Agree(candidates.Select(c => c.HasDropout)),
            Agree(candidates.Select(c => c.HasNormalization)),
            candidates.Min(c => c.KnownParameters),
            isKnown: true,
            ImmutableArray<ModuleInfo>.Empty);
    }
}
