using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    /// <summary>
    /// The layers and activations a user module class's <c>forward</c> applies, in evaluation order: module names
    /// for layers and normalisation (<c>Linear</c>, <c>BatchNorm1d</c>, <c>LayerNorm</c> for functional norms),
    /// activation families for activations (<c>ReLU</c>, <c>Tanh</c>, ..., <c>Softmax</c>/<c>LogSoftmax</c>); the
    /// elements of a called Sequential field are spliced in. Null when anything is unknown: no forward, a loop, a
    /// helper call, a sub-module that is not a known TorchSharp module.
    /// </summary>
    public ImmutableArray<string>? ForwardLayerSequence(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        ForwardLayerSequence(type, cancellationToken, out _);

    /// <summary>
    /// As above; <paramref name="sequentials"/> lists the element names of each Sequential spliced in. When
    /// <paramref name="rulesOut"/> holds for a name the sequence would get, the caller has no use for the rest: the walk
    /// stops there and the answer is null, without resolving the sub-modules called after it.
    /// </summary>
    public ImmutableArray<string>? ForwardLayerSequence(INamedTypeSymbol type, CancellationToken cancellationToken, out ImmutableArray<ImmutableArray<string>> sequentials, Func<string, bool>? rulesOut = null)
    {
        sequentials = ImmutableArray<ImmutableArray<string>>.Empty;
        IMethodSymbol? forward = null;
        for (var t = type; t is not null && forward is null && IsUserModuleType(t); t = t.BaseType)
            forward = t.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && !m.IsAbstract && m.Parameters.Length > 0 && Symbols.IsTensor(m.ReturnType));
        if (forward is null || GetBody(forward, cancellationToken) is not { } body)
            return null;

        // The body's calls, unless a loop, lambda or local function makes the order unknowable.
        var invocations = new List<IInvocationOperation>();
        foreach (var operation in OperationTreeContents.Of(body).Kept(body))
        {
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    invocations.Add((IInvocationOperation)operation);
                    break;
                case OperationKind.Loop or OperationKind.AnonymousFunction or OperationKind.LocalFunction:
                    return null;
            }
        }

        // What settles the answer as null without resolving a sub-module, checked over every call first: a null
        // answer is the same whichever call gives it, so only a forward that can still have a sequence pays for
        // resolving its sub-modules (most are ruled out by a custom sub-module, a helper or another activation).
        foreach (var invocation in invocations)
        {
            if (Classify(invocation) == StepEventKind.ModelCall)
            {
                if (ReceiverOf(invocation) is not { } receiver || receiver.Type is INamedTypeSymbol receiverType && IsUserModuleType(receiverType))
                    return null;
            }
            else if (Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            {
                if (rulesOut is not null && FunctionalLayerName(invocation.TargetMethod) is { } name && rulesOut(name))
                    return null;
            }
            else if (IsSourceMethod(invocation.TargetMethod))
            {
                return null;
            }
        }

        var sequence = ImmutableArray.CreateBuilder<string>();
        var spliced = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        bool Add(string name)
        {
            sequence.Add(name);
            return rulesOut is null || !rulesOut(name);
        }

        foreach (var invocation in InEvaluationOrder(invocations))
        {
            var method = invocation.TargetMethod;
            if (Classify(invocation) == StepEventKind.ModelCall)
            {
                if (ReceiverOf(invocation) is not { } receiver || receiver.Type is INamedTypeSymbol receiverType && IsUserModuleType(receiverType))
                    return null; // a custom sub-module: its own stack is its own diagnostic
                var info = ResolveModule(receiver, new Trace(cancellationToken));
                if (!info.IsKnown || info.Name == "?")
                    return null;
                var layers = info.Name == "Sequential" ? info.Layers : ImmutableArray.Create(info);
                if (info.Name == "Sequential")
                    spliced.Add(info.Layers.Select(l => l.Name).ToImmutableArray());
                foreach (var layer in layers)
                {
                    if (!layer.IsKnown || layer.Name == "?" || !layer.Layers.IsEmpty)
                        return null;
                    if (!Add(TorchVocabulary.ActivationFamilies.TryGetValue(layer.Name, out var family) ? family : layer.Name))
                        return null;
                }
            }
            else if (Symbols.IsTorchSharpType(method.ContainingType))
            {
                if (FunctionalLayerName(method) is { } name && !Add(name))
                    return null;
            }
            else if (IsSourceMethod(method))
            {
                return null; // a helper might apply anything
            }
        }

        sequentials = spliced.ToImmutable();
        return sequence.ToImmutable();
    }

    /// <summary>The name a functional TorchSharp call adds to a layer sequence: its activation family, Softmax/LogSoftmax, LayerNorm for a functional norm.</summary>
    private static string? FunctionalLayerName(IMethodSymbol method) =>
        TorchVocabulary.ActivationFamilies.TryGetValue(method.Name, out var family) ? family
        : method.Name is "softmax" or "log_softmax" ? (method.Name == "softmax" ? "Softmax" : "LogSoftmax")
        : TorchVocabulary.RegularizingFunctions.Contains(method.Name) && !method.Name.Contains("dropout") ? "LayerNorm"
        : null;

    /// <summary>
    /// Calls in the order they run: by where they end, an outer call (which ends with or after its arguments) after the
    /// calls in its arguments. The keys are read once per call (a span is computed from the green tree), and a tie
    /// keeps the walk's order, as the stable OrderBy this replaces did.
    /// </summary>
    private static IEnumerable<IInvocationOperation> InEvaluationOrder(List<IInvocationOperation> invocations)
    {
        var keyed = new (int End, int Start, int Index)[invocations.Count];
        for (var i = 0; i < keyed.Length; i++)
        {
            var span = invocations[i].Syntax.Span;
            keyed[i] = (span.End, span.Start, i);
        }

        System.Array.Sort(keyed, static (a, b) => a.End != b.End ? a.End.CompareTo(b.End) : a.Start != b.Start ? b.Start.CompareTo(a.Start) : a.Index.CompareTo(b.Index));
        foreach (var key in keyed)
            yield return invocations[key.Index];
    }

    /// <summary>
    /// True when an expression is (part of) one model: the value of its creation (through locals, fields,
    /// parameters: <see cref="FlowsFrom"/>), one of its Sequential elements, a layer's <c>weight</c>/<c>bias</c> or
    /// <c>parameters()</c>, an instance of its module class (or <c>this</c> inside it), a field of that class, or an
    /// instance of the class that holds the model in a field.
    /// </summary>
    public bool RefersToModel(IOperation subject, IOperation? creation, INamedTypeSymbol? moduleType, CancellationToken cancellationToken)
    {
        subject = Unwrap(subject);
        while (true)
        {
            if (subject is IPropertyReferenceOperation { Instance: { } owner } && Symbols.IsModule(owner.Type) && Symbols.IsTensor(subject.Type))
                subject = Unwrap(owner); // layer.weight
            else if (subject is IInvocationOperation { TargetMethod.Name: "parameters" or "named_parameters" or "children" or "modules" } invocation && ReceiverOf(invocation) is { } receiver)
                subject = Unwrap(receiver);
            else
                break;
        }

        if (!Symbols.IsModule(subject.Type))
            return false;
        if (moduleType is not null && (IsSameOrDerived(subject.Type, moduleType) ||
            ReferencedSymbol(subject) is IFieldSymbol { ContainingType: var fieldOwner } && IsSameOrDerived(fieldOwner, moduleType) ||
            ReferencedSymbol(subject) is IPropertySymbol { ContainingType: var propertyOwner } && IsSameOrDerived(propertyOwner, moduleType)))
            return true;
        if (creation is null)
            return false;
        if (FlowsFrom(subject, creation, new Trace(cancellationToken)))
            return true;
        if (Unwrap(creation) is IInvocationOperation sequential &&
            SequentialElements(sequential, cancellationToken).Any(e =>
                ReferencedSymbol(e.Module) is { } element && SymbolEqualityComparer.Default.Equals(ReferencedSymbol(subject), element) ||
                FlowsFrom(subject, e.Module, new Trace(cancellationToken))))
            return true;

        // The model is a field of a module class, and the subject is an instance of that class.
        var parent = creation.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        var holder = parent switch
        {
            IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
            IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
            ISimpleAssignmentOperation assignment => ReferencedSymbol(assignment.Target),
            _ => null,
        };
        return holder is IFieldSymbol or IPropertySymbol && IsSameOrDerived(subject.Type, holder.ContainingType);
    }

    private static bool IsSameOrDerived(ITypeSymbol? type, INamedTypeSymbol target)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, target.OriginalDefinition))
                return true;
        }

        return false;
    }
}
