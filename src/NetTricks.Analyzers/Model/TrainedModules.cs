using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    private readonly Fact<ImmutableHashSet<SyntaxNode>> _trainedModuleCreations = new();

    /// <summary>
    /// True when a module creation (<c>RNN(...)</c>, <c>Linear(...)</c>, ...) is part of a trained model: the module
    /// itself, an element of a <c>Sequential</c>, or a layer (field, auto-property) of a user module class, whose
    /// output feeds a loss that <c>backward()</c> runs on (<see cref="ModelCallsFeeding"/>), or whose parameters an
    /// optimizer that is stepped was built from (<see cref="OptimizerSteps"/>).
    /// </summary>
    public bool IsPartOfTrainedModel(IOperation creation, CancellationToken cancellationToken) =>
        TrainedModuleCreations(cancellationToken).Contains(Unwrap(creation).Syntax);

    /// <summary>The syntax of every module creation that is part of a trained model, computed once.</summary>
    private ImmutableHashSet<SyntaxNode> TrainedModuleCreations(CancellationToken cancellationToken) =>
        _trainedModuleCreations.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeTrainedModuleCreations(s.CancellationToken));

    private ImmutableHashSet<SyntaxNode> ComputeTrainedModuleCreations(CancellationToken cancellationToken)
    {
        var creations = new HashSet<SyntaxNode>();
        var types = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var module in TrainedModuleValues(cancellationToken))
            CollectCreations(module, creations, types, new Trace(cancellationToken));

        return creations.ToImmutableHashSet();
    }

    /// <summary>The module expressions that are trained: receivers of model calls feeding a backward loss, and modules whose parameters a stepped optimizer holds.</summary>
    private IEnumerable<IOperation> TrainedModuleValues(CancellationToken cancellationToken)
    {
        foreach (var node in Index.CallsNamed("backward"))
        {
            if (GetOperation(node, cancellationToken) is not IInvocationOperation backward || Classify(backward) != StepEventKind.Backward || ReceiverOf(backward) is not { } loss)
                continue;
            foreach (var call in ModelCallsFeeding(loss, new Trace(cancellationToken)))
            {
                if (ReceiverOf(call) is { } receiver)
                    yield return receiver;
            }
        }

        foreach (var step in OptimizerSteps(cancellationToken))
        {
            if (ReceiverOf(step) is not { } optimizer)
                continue;
            foreach (var construction in Definitions(optimizer, cancellationToken))
            {
                var parameters = Unwrap(construction) switch
                {
                    IInvocationOperation invocation => invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value,
                    IObjectCreationOperation creation => creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value,
                    _ => null,
                };
                if (parameters is null)
                    continue;
                var candidates = ParametersReceiver(parameters) is { } direct
                    ? ImmutableArray.Create(direct)
                    : Definitions(parameters, cancellationToken).Select(ParametersReceiver).Where(r => r is not null).Select(r => r!).ToImmutableArray();
                foreach (var receiver in candidates)
                    yield return receiver;
            }
        }
    }

    /// <summary>The module creations a module value is made of: its own creation, Sequential elements, layers of user module classes.</summary>
    private void CollectCreations(IOperation value, HashSet<SyntaxNode> creations, HashSet<INamedTypeSymbol> types, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return;
        try
        {
            if (value.Type is INamedTypeSymbol { TypeKind: TypeKind.Class } userType && IsUserModuleType(userType))
            {
                CollectTypeCreations(userType, creations, types, trace.CancellationToken);
                return;
            }

            switch (value)
            {
                case IObjectCreationOperation creation when creation.Type is INamedTypeSymbol created && Symbols.IsTorchSharpType(created) && Symbols.IsModule(created):
                    creations.Add(creation.Syntax);
                    foreach (var argument in creation.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue))
                        CollectElements(argument.Value, creations, types, trace);
                    return;
                case IInvocationOperation invocation when Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType):
                    if (ReceiverOf(invocation) is { } receiver && Symbols.IsModule(receiver.Type) && Symbols.IsModule(invocation.Type))
                    {
                        CollectCreations(receiver, creations, types, trace); // model.to(device)
                        return;
                    }

                    if (Symbols.IsModule(invocation.Type))
                    {
                        creations.Add(invocation.Syntax);
                        foreach (var argument in invocation.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue))
                            CollectElements(argument.Value, creations, types, trace);
                    }

                    return;
            }

            var definitions = Definitions(value, trace.CancellationToken);
            if (!IsOwnOrigin(value, definitions))
            {
                foreach (var definition in definitions)
                    CollectCreations(definition, creations, types, trace);
            }
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    /// <summary>Module arguments of a container (Sequential elements, named tuples, arrays of modules).</summary>
    private void CollectElements(IOperation argument, HashSet<SyntaxNode> creations, HashSet<INamedTypeSymbol> types, Trace trace)
    {
        argument = Unwrap(argument);
        switch (argument)
        {
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (var element in initializer.ElementValues)
                    CollectElements(element, creations, types, trace);
                break;
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                    CollectElements(element, creations, types, trace);
                break;
            default:
                if (Symbols.IsModule(argument.Type))
                    CollectCreations(argument, creations, types, trace);
                break;
        }
    }

    /// <summary>The creations of a user module class's layers (module-typed fields and auto-properties, base classes included).</summary>
    private void CollectTypeCreations(INamedTypeSymbol type, HashSet<SyntaxNode> creations, HashSet<INamedTypeSymbol> types, CancellationToken cancellationToken)
    {
        if (!types.Add(type.OriginalDefinition))
            return;
        for (var t = type; t is not null && IsUserModuleType(t); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                var isLayer = member switch
                {
                    IFieldSymbol { IsStatic: false } field => Symbols.IsModule(field.Type),
                    IPropertySymbol { IsStatic: false } property => Symbols.IsModule(property.Type) && IsAutoProperty(property),
                    _ => false,
                };
                if (!isLayer)
                    continue;
                var memberType = (member as IFieldSymbol)?.Type ?? ((IPropertySymbol)member).Type;
                if (memberType is INamedTypeSymbol { TypeKind: TypeKind.Class } nested && IsUserModuleType(nested))
                    CollectTypeCreations(nested, creations, types, cancellationToken);
                foreach (var definition in MemberDefinitions(member, cancellationToken))
                    CollectCreations(definition, creations, types, new Trace(cancellationToken));
            }
        }
    }
}
