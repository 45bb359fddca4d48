using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT8002: a loss tensor added to (<c>total += loss</c>) or stored in (<c>losses.Add(loss)</c>) a variable that
/// outlives the loop iteration, keeping every step's graph alive. Per-timestep sums inside one step that is
/// then backpropagated (the accumulator is declared inside the training iteration) are fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LossTensorAccumulatedAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT8002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnAddAssignments(context, Analyze, MayAccumulateInLoop);
        Registration.OnInvocations(context, new[] { "Add" }, static (c, m, _) => Analyze(c, m), MayAccumulateInLoop);
    }

    /// <summary>
    /// Syntax only, and never false where <see cref="Analyze"/> reports: a loop statement encloses the <c>+=</c> or
    /// <c>Add(...)</c>, and what it adds is not a literal. Most of a program's counters and lists fail one of the two,
    /// and are not bound.
    /// </summary>
    private static bool MayAccumulateInLoop(SyntaxNode node)
    {
        var added = node switch
        {
            AssignmentExpressionSyntax assignment => assignment.Right,
            InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } => arguments[0].Expression,
            _ => null,
        };
        return added is not null and not LiteralExpressionSyntax && TrainingCodeModel.IsInLoopStatement(node);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        IOperation target;
        IOperation value;
        switch (context.Operation)
        {
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add when model.Symbols.IsTensor(add.Value.Type):
                (target, value) = (add.Target, add.Value);
                break;
            case IInvocationOperation { TargetMethod.Name: "Add", Instance: { } list, Arguments.Length: 1 } invocation
                when model.Symbols.IsTensor(invocation.Arguments[0].Value.Type) && !model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType):
                (target, value) = (list, invocation.Arguments[0].Value);
                break;
            default:
                return;
        }

        var loop = context.Operation.Ancestors().OfType<ILoopOperation>().FirstOrDefault();
        if (loop is null || TrainingCodeModel.ReferencedSymbol(target) is not { } accumulator)
            return;
        if (accumulator is ILocalSymbol && accumulator.DeclaringSyntaxReferences.Any(r => loop.Body.Syntax.Span.Contains(r.Span)))
            return; // lives only for this iteration
        if (!IsLossTensor(model, value, context))
            return;

        // A sum that is backpropagated (per-timestep or per-task losses of one step) keeps its graph on purpose.
        var body = context.Operation.Ancestors().Last();
        if (body.InvocationsUnder().Any(b => b.TargetMethod.Name == "backward" && b.Instance is { } receiver &&
            SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(receiver), accumulator)))
            return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true").Add(FixProperties.InputSpan, FixProperties.Span(value.Syntax));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT8002, value.Syntax.GetLocation(), properties, accumulator.Name));
    }

    /// <summary>A value that is a loss with its graph: a loss call (or arithmetic on one) not detached / item()-ed.</summary>
    private static bool IsLossTensor(TrainingCodeModel model, IOperation value, RuleContext context)
    {
        value = TrainingCodeModel.Unwrap(value);
        if (value is IInvocationOperation { TargetMethod.Name: "detach" or "detach_" or "item" or "ToSingle" or "ToDouble" })
            return false;
        if (value is IInvocationOperation invocation && model.LossFactsOf(invocation, context.CancellationToken) is not null)
            return true;

        // cpu(), to(device), view(...) keep the graph: look at what they were called on.
        if (value is IInvocationOperation { Instance: { } receiver } copy && TorchVocabulary.ValuePreservingMethods.Contains(copy.TargetMethod.Name) &&
            model.Symbols.IsTorchSharpType(copy.TargetMethod.ContainingType))
            return IsLossTensor(model, receiver, context);
        var definitions = model.Definitions(value, context.CancellationToken);
        return !TrainingCodeModel.IsOwnOrigin(value, definitions) && definitions.Length > 0 &&
            definitions.All(d => TrainingCodeModel.Unwrap(d) is IInvocationOperation i && model.LossFactsOf(i, context.CancellationToken) is not null);
    }
}
