using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    /// <summary>
    /// The model calls (<c>model.forward(x)</c>, <c>model.call(x)</c>) whose output flows into a value, such as the
    /// loss a <c>backward()</c> runs on: through locals, helpers, loss calls (their input), tensor arithmetic and ops.
    /// </summary>
    public ImmutableArray<IInvocationOperation> ModelCallsFeeding(IOperation value, Trace trace)
    {
        // Many rules ask this of the same loss (every backward() is followed by several): a question asked with a
        // fresh trace has one answer, remembered; one asked mid-walk depends on that walk's budget, so it is not.
        if (!IsFreshQuery(trace))
            return ComputeModelCallsFeeding(value, trace);
        value = Unwrap(value);
        return _feeding.GetOrCompute(value, (Model: this, Trace: trace), static (v, s) => s.Model.ComputeModelCallsFeeding(v, s.Trace));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IOperation, ImmutableArray<IInvocationOperation>> _feeding = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.25));

    private ImmutableArray<IInvocationOperation> ComputeModelCallsFeeding(IOperation value, Trace trace)
    {
        var found = ImmutableArray.CreateBuilder<IInvocationOperation>();
        Visit(value);
        return found.ToImmutable();

        void Visit(IOperation op)
        {
            op = Unwrap(op);
            if (!trace.Enter(op.Syntax))
                return;
            try
            {
                switch (op)
                {
                    case IInvocationOperation invocation:
                        if (Classify(invocation) == StepEventKind.ModelCall)
                        {
                            if (!found.Any(f => f.Syntax == invocation.Syntax))
                                found.Add(invocation);
                        }
                        else if (AsLossCall(invocation, trace) is { } loss)
                        {
                            Visit(loss.Input);
                        }
                        else if (Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
                        {
                            if (invocation.Instance is not null)
                                Visit(invocation.Instance);
                            foreach (var argument in invocation.Arguments.Where(a => Symbols.IsTensor(a.Value.Type)))
                                Visit(argument.Value);
                        }
                        else
                        {
                            VisitDefinitions(op);
                        }

                        break;
                    case IBinaryOperation binary:
                        Visit(binary.LeftOperand);
                        Visit(binary.RightOperand);
                        break;
                    case IUnaryOperation unary:
                        Visit(unary.Operand);
                        break;
                    case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed }:
                        Visit(indexed);
                        break;
                    default:
                        VisitDefinitions(op);
                        break;
                }
            }
            finally
            {
                trace.Exit(op.Syntax);
            }
        }

        void VisitDefinitions(IOperation op)
        {
            var definitions = Definitions(op, trace.CancellationToken);
            if (!IsOwnOrigin(op, definitions))
            {
                foreach (var definition in definitions)
                    Visit(definition);
            }
        }
    }

    /// <summary>The module whose parameters an expression such as <c>model.parameters()</c> yields.</summary>
    public ModuleInfo ModuleOfParameters(IOperation parameters, Trace trace)
    {
        parameters = Unwrap(parameters);
        if (!trace.Enter(parameters.Syntax))
            return ModuleInfo.Unknown;
        try
        {
            if (parameters is IInvocationOperation { TargetMethod.Name: "parameters" or "named_parameters" } invocation && ReceiverOf(invocation) is { } receiver && Symbols.IsModule(receiver.Type))
                return ResolveModule(receiver, trace);
            var definitions = Definitions(parameters, trace.CancellationToken);
            return IsOwnOrigin(parameters, definitions) || definitions.IsEmpty
                ? ModuleInfo.Unknown
                : ModuleInfo.Combine(definitions.Select(d => ModuleOfParameters(d, trace)).ToList());
        }
        finally
        {
            trace.Exit(parameters.Syntax);
        }
    }

    /// <summary>The module expression whose parameters an expression yields (<c>model</c> in <c>model.parameters()</c>).</summary>
    public static IOperation? ParametersReceiver(IOperation parameters) =>
        Unwrap(parameters) is IInvocationOperation { TargetMethod.Name: "parameters" or "named_parameters" } invocation ? ReceiverOf(invocation) : null;

    /// <summary>True when a value comes from a call of the given TorchSharp function (through value-preserving ops).</summary>
    public bool IsProducedBy(IOperation value, string methodName, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return false;
        try
        {
            if (value is IInvocationOperation invocation && Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            {
                if (invocation.TargetMethod.Name == methodName)
                    return true;
                var input = invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value;
                return TorchVocabulary.ValuePreservingMethods.Contains(invocation.TargetMethod.Name) && input is not null && IsProducedBy(input, methodName, trace);
            }

            var definitions = Definitions(value, trace.CancellationToken);
            return !IsOwnOrigin(value, definitions) && definitions.Length > 0 && definitions.All(d => IsProducedBy(d, methodName, trace));
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    /// <summary>The symbol a simple reference names (local, parameter, field, property), or null.</summary>
    public static ISymbol? ReferencedSymbol(IOperation value)
    {
        // By kind before any cast (see Unwrap): asked of every write the operation-tree walk collects.
        value = Unwrap(value);
        return value.Kind switch
        {
            OperationKind.LocalReference => ((ILocalReferenceOperation)value).Local,
            OperationKind.ParameterReference => ((IParameterReferenceOperation)value).Parameter,
            OperationKind.FieldReference when ((IFieldReferenceOperation)value).Instance is null or { Kind: OperationKind.InstanceReference } => ((IFieldReferenceOperation)value).Field,
            OperationKind.PropertyReference when (IPropertyReferenceOperation)value is { Instance: null or { Kind: OperationKind.InstanceReference }, Property.IsIndexer: false } property => property.Property,
            _ => null,
        };
    }

    /// <summary>True when the body of a loop writes the symbol (assignment, compound assignment, ref/out).</summary>
    public static bool IsWrittenIn(ISymbol symbol, IOperation root)
    {
        foreach (var operation in OperationTreeContents.Of(root).Kept(root))
        {
            if (!ReferenceEquals(operation, root) && operation switch
            {
                IAssignmentOperation assignment => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(assignment.Target), symbol),
                IVariableDeclaratorOperation declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol),
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(argument.Value), symbol),
                _ => false,
            })
                return true;
        }

        return false;
    }
}
