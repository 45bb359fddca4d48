using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT5004: <c>eval()</c> runs inside a training loop's iteration (directly or in a validation helper it calls)
/// and nothing in that iteration calls <c>train()</c> again, so later epochs train in eval mode.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingResumesInEvalModeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "eval", "train" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation eval)
    {
        if (eval.TargetMethod.Name is not ("eval" or "train") || model.Classify(eval) != StepEventKind.EvalMode)
            return;
        foreach (var chain in model.LoopsRunning(eval, context.CancellationToken))
        {
            var training = chain.Select(l => model.FactsOf(l, context.CancellationToken)).FirstOrDefault(f => f.IsTraining && f.Has(StepEventKind.OptimizerStep));
            if (training is null || training.Has(StepEventKind.TrainMode))
                continue;

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (training.Loop.Body is IBlockOperation && training.Loop.Syntax.SyntaxTree == eval.Syntax.SyntaxTree &&
                training.Loop.Syntax.Span.Contains(eval.Syntax.Span) && TrainingCodeModel.ReferencedSymbol(eval.Instance!) is not null)
            {
                properties = properties.Add(FixProperties.Fixable, "true")
                    .Add(FixProperties.Model, eval.Instance!.Syntax.ToString())
                    .Add(FixProperties.LoopStart, training.Loop.Syntax.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5004, eval.Syntax.GetLocation(), new[] { training.Loop.Syntax.GetFirstToken().GetLocation() }, properties));
            return;
        }
    }
}
