using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>One element of a <c>Sequential(...)</c>: its module value, the argument that writes it, what it is.</summary>
internal sealed record SequentialElement(IOperation Module, SyntaxNode Argument, ModuleInfo Info);

internal sealed partial class TrainingCodeModel
{
    /// <summary>The elements of a <c>Sequential(...)</c> call in order; empty when it is built from a collection.</summary>
    public ImmutableArray<SequentialElement> SequentialElements(IInvocationOperation sequential, CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<SequentialElement>();
        foreach (var argument in sequential.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    var module = ModuleOfElement(element);
                    builder.Add(new SequentialElement(module, ElementSyntax(module), ResolveModule(module, new Trace(cancellationToken))));
                }
            }
            else if (argument.ArgumentKind == ArgumentKind.Explicit)
            {
                return ImmutableArray<SequentialElement>.Empty;
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The activation family (ReLU, LeakyReLU, GELU, SiLU, ELU, SELU, Tanh, Sigmoid) applied right after a layer's
    /// output, "None" when the output goes on without one (into another layer or the loss), null when unknown.
    /// Looks at the next elements of a Sequential, or at what consumes the layer's call in a forward body.
    /// </summary>
    public string? ActivationAfter(IOperation layerCallOrElement, CancellationToken cancellationToken)
    {
        // A Sequential element: the next activation or layer decides.
        if (ElementSyntax(layerCallOrElement).Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax sequentialSyntax } } &&
            GetOperation(sequentialSyntax, cancellationToken) is IInvocationOperation sequential && sequential.TargetMethod.Name == "Sequential")
        {
            var elements = SequentialElements(sequential, cancellationToken);
            var index = elements.IndexOf(elements.FirstOrDefault(e => e.Module.Syntax == layerCallOrElement.Syntax)!);
            for (var i = index + 1; index >= 0 && i < elements.Length; i++)
            {
                var name = elements[i].Info.Name;
                if (TorchVocabulary.ActivationFamilies.TryGetValue(name, out var family))
                    return family;
                if (TorchVocabulary.IsTrainableLayer(name) || name is "Softmax" or "LogSoftmax" || name == "?")
                    return name == "?" ? null : "None";
            }

            return index >= 0 ? "None" : null;
        }

        // A call in a forward body: its direct consumer, or the next statement that reads the local it was stored in.
        var consumer = layerCallOrElement.Parent is IArgumentOperation argument ? argument.Parent : layerCallOrElement.Parent;
        while (consumer is IConversionOperation)
            consumer = consumer.Parent;
        if (consumer is IInvocationOperation invocation)
            return ActivationOfCall(invocation);
        var stored = consumer switch
        {
            ISimpleAssignmentOperation assignment => ReferencedSymbol(assignment.Target),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            _ => null,
        };
        if (stored is null || layerCallOrElement.Ancestors().Last() is not { } body)
            return null;
        var next = body.InvocationsUnder()
            .Where(i => i.Syntax.SpanStart > layerCallOrElement.Syntax.Span.End &&
                (SymbolEqualityComparer.Default.Equals(ReferencedSymbol(i.Instance ?? i), stored) ||
                 i.Arguments.Any(a => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(a.Value), stored))))
            .OrderBy(i => i.Syntax.SpanStart)
            .FirstOrDefault();
        return next is null ? "None" : ActivationOfCall(next);
    }

    /// <summary>
    /// The activation after a layer held in a local or field that is an element of one or more <c>Sequential(...)</c>
    /// calls (<c>var fc = Linear(..); var model = Sequential(fc, ReLU(), ...)</c>): the answer of
    /// <see cref="ActivationAfter"/> for its element, when every such Sequential agrees; null when it is in none or unknown.
    /// </summary>
    public string? ActivationAfterSequentialElement(IOperation layer, CancellationToken cancellationToken)
    {
        var symbol = ReferencedSymbol(layer);
        if (symbol is not (ILocalSymbol or IFieldSymbol or IPropertySymbol))
            return null;
        string? answer = null;
        var found = false;
        foreach (var node in Index.CallsNamed("Sequential"))
        {
            if (symbol is ILocalSymbol && !layer.Syntax.SyntaxTree.Equals(node.SyntaxTree))
                continue;
            if (GetOperation(node, cancellationToken) is not IInvocationOperation sequential || !Symbols.IsTorchSharpType(sequential.TargetMethod.ContainingType))
                continue;
            foreach (var element in SequentialElements(sequential, cancellationToken))
            {
                if (!SymbolEqualityComparer.Default.Equals(ReferencedSymbol(element.Module), symbol))
                    continue;
                var activation = ActivationAfter(element.Module, cancellationToken);
                if (activation is null || found && activation != answer)
                    return null;
                answer = activation;
                found = true;
            }
        }

        return answer;
    }

    private string? ActivationOfCall(IInvocationOperation call)
    {
        if (Symbols.IsTorchSharpType(call.TargetMethod.ContainingType) && TorchVocabulary.ActivationFamilies.TryGetValue(call.TargetMethod.Name, out var family))
            return family;
        if (Classify(call) == StepEventKind.ModelCall && ReceiverOf(call) is { } receiver)
        {
            var module = ResolveModule(receiver, new Trace(default));
            if (TorchVocabulary.ActivationFamilies.TryGetValue(module.Name, out var moduleFamily))
                return moduleFamily;
            if (TorchVocabulary.IsTrainableLayer(module.Name))
                return "None";
        }

        return null;
    }
}
