using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT3003: in a loop body, <c>optimizer.step()</c> written before <c>loss.backward()</c> (and no step after it),
/// or a training loop whose model has an optimizer that is never stepped, in the loop or after it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StepBeforeBackwardAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLoops(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        var loop = (ILoopOperation)context.Operation;
        if (model.IsInModuleForward(loop, context.CancellationToken))
            return;
        var own = model.OwnIterationEvents(loop, context.CancellationToken);
        var backwards = own.Where(e => e.Kind == StepEventKind.Backward && !e.ViaCall).ToList();
        if (backwards.Count == 0)
            return;
        var steps = own.Where(e => e.Kind == StepEventKind.OptimizerStep && !e.ViaCall).ToList();
        var firstBackward = backwards.Min(b => b.Invocation.Syntax.SpanStart);

        // step() written before backward() in the same iteration, with no step after the backward.
        // A step under a condition (step every k iterations, then accumulate again) is deliberate accumulation.
        if (steps.Count > 0 && steps.All(s => s.Invocation.Syntax.SpanStart < firstBackward) &&
            !steps.Any(s => s.Invocation.Ancestors().TakeWhile(a => !ReferenceEquals(a, loop)).Any(a => a is IConditionalOperation)))
        {
            var step = steps[0].Invocation;
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (step.Parent is IExpressionStatementOperation { Parent: IBlockOperation block } stepStatement &&
                backwards[backwards.Count - 1].Invocation.Parent is IExpressionStatementOperation backwardStatement &&
                ReferenceEquals(backwardStatement.Parent, block))
                properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.InputSpan, FixProperties.Span(backwardStatement.Syntax));
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3003, step.Syntax.GetLocation(),
                new[] { backwards[0].Invocation.Syntax.GetLocation() }, properties,
                "optimizer.step() runs before loss.backward(): each step applies the previous iteration's gradients"));
            return;
        }

        // No step in the loop at all (also not in its inner loops or helpers), nor after it in the method, while an
        // optimizer exists for the trained model: the model never trains. Gradient-only loops (saliency) have no optimizer.
        if (model.FactsOf(loop, context.CancellationToken).Has(StepEventKind.OptimizerStep) || StepsAfter(model, loop))
            return;
        var trained = backwards.SelectMany(b => b.Invocation.Instance is { } loss ? model.ModelCallsFeeding(loss, new Trace(context.CancellationToken)) : ImmutableArray<IInvocationOperation>.Empty)
            .Select(call => TrainingCodeModel.ReferencedSymbol(TrainingCodeModel.ReceiverOf(call)!))
            .Where(s => s is not null)
            .ToImmutableHashSet(SymbolEqualityComparer.Default);
        var root = loop.Ancestors().Last();
        var optimizers = root.InvocationsUnder().Where(o =>
                model.Symbols.IsOptimizer(o.Type) && model.Symbols.IsTorchSharpType(o.TargetMethod.ContainingType) &&
                o.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } parameters &&
                TrainingCodeModel.ParametersReceiver(parameters) is { } receiver && TrainingCodeModel.ReferencedSymbol(receiver) is { } owner && trained.Contains(owner))
            .Select(o => o.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation d } ? (ISymbol)d.Symbol : o.Parent is ISimpleAssignmentOperation a ? TrainingCodeModel.ReferencedSymbol(a.Target) : null)
            .ToList();

        // An optimizer handed to other code (a checked model's Step(optimizer), a trainer helper) may be stepped there.
        var handedOver = optimizers.Any(o => o is null) || root.Descendants().OfType<IArgumentOperation>().Any(a =>
            optimizers.Any(o => SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(a.Value), o)) &&
            a.Parent is IInvocationOperation { TargetMethod: var target } && !model.Symbols.IsTorchSharpType(target.ContainingType));
        if (optimizers.Count > 0 && !handedOver)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3003, backwards[0].Invocation.Syntax.GetLocation(),
                "loss.backward() is never followed by optimizer.step(): the model's optimizer never updates the weights"));
        }
    }

    private static bool StepsAfter(TrainingCodeModel model, ILoopOperation loop) =>
        loop.Ancestors().Last().InvocationsUnder().Any(i =>
            i.Syntax.SpanStart > loop.Syntax.Span.End && model.Classify(i) == StepEventKind.OptimizerStep);
}
