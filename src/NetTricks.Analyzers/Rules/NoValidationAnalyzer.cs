using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT5006: the outermost training loop of a method trains a model that no evaluation path of the compilation
/// ever runs (no metric or prediction computed with it, during or after training).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NoValidationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5006);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLoops(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        var loop = (ILoopOperation)context.Operation;
        var facts = model.FactsOf(loop, context.CancellationToken);
        if (!facts.IsTraining || !facts.Has(StepEventKind.OptimizerStep) || model.IsInModuleForward(loop, context.CancellationToken))
            return;
        if (loop.Ancestors().OfType<ILoopOperation>().Any(outer => model.FactsOf(outer, context.CancellationToken).IsTraining))
            return; // reported once, on the outermost training loop

        var trained = facts.Events.Where(e => e.Kind == StepEventKind.Backward && e.Invocation.Instance is not null)
            .SelectMany(e => model.ModelCallsFeeding(e.Invocation.Instance!, new Trace(context.CancellationToken)))
            .Select(call => TrainingCodeModel.ReceiverOf(call)!)
            .ToList();
        if (trained.Count == 0)
            return;
        var (typeNames, roots) = model.EvaluatedModels(context.CancellationToken);
        foreach (var receiver in trained)
        {
            var module = model.ResolveModule(receiver, new Trace(context.CancellationToken));
            if (!module.IsKnown || typeNames.Contains(module.Name) && receiver.Type is INamedTypeSymbol type && model.IsUserModuleType(type))
                return;

            // The same variable, also when both reach it through helper parameters: Train(model) / Evaluate(model).
            // Overlaps walks its argument: the receiver's few roots, not every evaluated root of the compilation.
            if (roots.Overlaps(model.RootSymbols(receiver, context.CancellationToken)))
                return;
        }

        var name = model.ResolveModule(trained[0], new Trace(context.CancellationToken)).Name;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5006, loop.Syntax.GetFirstToken().GetLocation(), name));
    }
}
