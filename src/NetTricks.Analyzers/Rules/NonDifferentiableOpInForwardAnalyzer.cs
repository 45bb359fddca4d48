using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT4004: in a module's forward, an op with no useful gradient (round, sign, floor, ceil, argmax, argmin,
/// comparisons, detach) on the path from the input to the returned output. Masks (comparisons consumed by
/// masked_fill / where / a multiplication), straight-through estimators (<c>x + (q - x).detach()</c>) and detached
/// frozen sub-module outputs are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonDifferentiableOpInForwardAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> ZeroGradient = ImmutableHashSet.Create(
        "round", "sign", "floor", "ceil", "argmax", "argmin", "trunc", "eq", "ne", "gt", "lt", "ge", "le", "greater", "less", "detach");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT4004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnReturnsInMethodsNamed(context, "forward", Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        var ret = (IReturnOperation)context.Operation;
        if (ret.ReturnedValue is null || !model.IsInModuleForward(ret, context.CancellationToken) || !model.Symbols.IsTensor(ret.ReturnedValue.Type))
            return;
        var found = new List<IOperation>();
        var trace = new Trace(context.CancellationToken);
        Walk(model, ret.ReturnedValue, trace, found, context);
        foreach (var op in found.GroupBy(o => o.Syntax).Select(g => g.First()))
        {
            var name = op is IInvocationOperation i ? i.TargetMethod.Name + "()" : "a comparison";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT4004, op.Syntax.GetLocation(), name));
        }
    }

    private static void Walk(TrainingCodeModel model, IOperation value, Trace trace, List<IOperation> found, RuleContext context)
    {
        value = TrainingCodeModel.Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return;
        try
        {
            switch (value)
            {
                case IInvocationOperation invocation when model.Classify(invocation) == StepEventKind.ModelCall:
                    // Through a layer: the path continues at its input (the layer's own forward is checked on its own).
                    if (invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } layerInput)
                        Walk(model, layerInput, trace, found, context);
                    break;
                case IInvocationOperation invocation when model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType):
                    var name = invocation.TargetMethod.Name;
                    if (ZeroGradient.Contains(name))
                    {
                        if (!(name == "detach" && IsFrozenOrStraightThrough(model, invocation, context)))
                            found.Add(invocation);
                        break; // nothing flows back through it anyway
                    }

                    // The mask / condition argument carries no gradient by design: where(condition, ...) in both forms,
                    // masked_fill(mask, value) fluent or masked_fill(input, mask, value) functional.
                    var maskOrdinal = name == "where" ? 0 : name is "masked_fill" or "masked_fill_" ? (invocation.Instance is null ? 1 : 0) : -1;
                    if (invocation.Instance is { } receiver)
                        Walk(model, receiver, trace, found, context);
                    foreach (var argument in invocation.Arguments.Where(a => model.Symbols.IsTensor(a.Value.Type)))
                    {
                        if (argument.Parameter?.Ordinal != maskOrdinal)
                            Walk(model, argument.Value, trace, found, context);
                    }

                    break;
                case IBinaryOperation binary:
                    if (binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.GreaterThan or
                        BinaryOperatorKind.LessThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThanOrEqual)
                    {
                        found.Add(binary);
                        break;
                    }

                    // x * (x > 0): a comparison multiplied in is a mask.
                    foreach (var operand in new[] { binary.LeftOperand, binary.RightOperand })
                    {
                        if (binary.OperatorKind == BinaryOperatorKind.Multiply && IsComparison(operand))
                            continue;
                        if (binary.OperatorKind == BinaryOperatorKind.Add && IsStraightThroughTerm(operand))
                            continue;
                        Walk(model, operand, trace, found, context);
                    }

                    break;
                case IUnaryOperation unary:
                    Walk(model, unary.Operand, trace, found, context);
                    break;
                default:
                    var definitions = model.Definitions(value, context.CancellationToken);
                    if (!TrainingCodeModel.IsOwnOrigin(value, definitions) && value is not IParameterReferenceOperation)
                    {
                        foreach (var definition in definitions)
                            Walk(model, definition, trace, found, context);
                    }

                    break;
            }
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    private static bool IsComparison(IOperation operation) =>
        TrainingCodeModel.Unwrap(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.LessThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThanOrEqual }
        || TrainingCodeModel.Unwrap(operation) is IInvocationOperation { TargetMethod.Name: "gt" or "lt" or "ge" or "le" or "eq" or "ne" } ||
        TrainingCodeModel.Unwrap(operation) is IInvocationOperation { TargetMethod.Name: "to_type" or "@float" or "@double" or "to", Instance: { } inner } && IsComparison(inner);

    /// <summary><c>(q - x).detach()</c> added to x: the straight-through estimator.</summary>
    private static bool IsStraightThroughTerm(IOperation operation) =>
        TrainingCodeModel.Unwrap(operation) is IInvocationOperation { TargetMethod.Name: "detach" };

    /// <summary>detach() of a sub-module's output (a frozen feature extractor) is deliberate.</summary>
    private static bool IsFrozenOrStraightThrough(TrainingCodeModel model, IInvocationOperation detach, RuleContext context) =>
        detach.Instance is { } detached && !model.ModelCallsFeeding(detached, new Trace(context.CancellationToken)).IsEmpty;
}
