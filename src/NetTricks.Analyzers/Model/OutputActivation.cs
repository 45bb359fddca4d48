using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers.Model;

/// <summary>What the last operation of a tensor value is, as far as the output-layer rules care.</summary>
internal enum ActivationKind
{
    /// <summary>Could not be established: rules stay silent.</summary>
    Unknown,

    /// <summary>Known, and not one of the activations below (a linear layer, arithmetic, another activation).</summary>
    Other,
    ReLU,
    ReLU6,
    Softplus,
    Sigmoid,
    Tanh,
    Hardtanh,
    Softmax,
    LogSoftmax,
}

/// <summary>How the final activation is written, so a fix knows how to remove or replace it.</summary>
internal enum SiteShape
{
    /// <summary><c>x.softmax(1)</c>: the node is the invocation; removing keeps the receiver.</summary>
    FluentCall,

    /// <summary><c>functional.softmax(x, 1)</c>: the node is the invocation; removing keeps the first argument.</summary>
    FunctionalCall,

    /// <summary><c>this.softmax.forward(x)</c> on an activation module: removing keeps the argument.</summary>
    ModuleCall,

    /// <summary>An element of <c>Sequential(...)</c>: the node is the argument; removing deletes it.</summary>
    SequentialElement,
}

/// <summary>Where a final activation is written.</summary>
internal sealed record ActivationSite(SyntaxNode Node, SiteShape Shape)
{
    public Location Location => Node.GetLocation();
}

/// <summary>The last operation of a value and every place that writes it (several when branches agree).</summary>
internal readonly struct OutputActivation
{
    public static readonly OutputActivation Unknown = new(ActivationKind.Unknown, ImmutableArray<ActivationSite>.Empty);
    public static readonly OutputActivation Other = new(ActivationKind.Other, ImmutableArray<ActivationSite>.Empty);

    public OutputActivation(ActivationKind kind, ImmutableArray<ActivationSite> sites)
    {
        Kind = kind;
        Sites = sites.IsDefault ? ImmutableArray<ActivationSite>.Empty : sites;
    }

    public ActivationKind Kind { get; }

    public ImmutableArray<ActivationSite> Sites { get; }

    public static OutputActivation Of(ActivationKind kind, ActivationSite? site) =>
        new(kind, site is null ? ImmutableArray<ActivationSite>.Empty : ImmutableArray.Create(site));

    public OutputActivation WithSite(ActivationSite site) => new(Kind, ImmutableArray.Create(site));

    /// <summary>Branches that agree give that kind (with all their sites); any disagreement is unknown.</summary>
    public static OutputActivation Combine(IEnumerable<OutputActivation> outputs)
    {
        ActivationKind? kind = null;
        var sites = ImmutableArray.CreateBuilder<ActivationSite>();
        foreach (var output in outputs)
        {
            if (output.Kind == ActivationKind.Unknown || (kind is not null && kind != output.Kind))
                return Unknown;
            kind = output.Kind;
            foreach (var site in output.Sites)
            {
                if (!sites.Any(s => s.Node == site.Node))
                    sites.Add(site);
            }
        }

        return kind is null ? Unknown : new OutputActivation(kind.Value, sites.ToImmutable());
    }

    public static string DisplayName(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU => "ReLU",
        ActivationKind.ReLU6 => "ReLU6",
        ActivationKind.Softplus => "Softplus",
        ActivationKind.Sigmoid => "Sigmoid",
        ActivationKind.Tanh => "Tanh",
        ActivationKind.Hardtanh => "Hardtanh",
        ActivationKind.Softmax => "Softmax",
        ActivationKind.LogSoftmax => "LogSoftmax",
        _ => kind.ToString(),
    };

    /// <summary>The closed range of a bounded activation's output; null for the others.</summary>
    public static ValueRange? RangeOf(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU or ActivationKind.Softplus => new ValueRange(0, double.PositiveInfinity),
        ActivationKind.ReLU6 => new ValueRange(0, 6),
        ActivationKind.Sigmoid => new ValueRange(0, 1),
        ActivationKind.Tanh or ActivationKind.Hardtanh => new ValueRange(-1, 1),
        _ => null,
    };
}
