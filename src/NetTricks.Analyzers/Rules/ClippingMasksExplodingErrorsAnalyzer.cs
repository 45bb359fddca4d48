using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT4001: plain gradient clipping in the training loop of a model without recurrent layers.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClippingMasksExplodingErrorsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT4001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "clip_grad_norm_", "clip_grad_value_" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation clip)
    {
        if (clip.TargetMethod.Name is not ("clip_grad_norm_" or "clip_grad_value_") || model.Classify(clip) != StepEventKind.Clip)
            return;
        var parameters = clip.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (parameters is null || model.ModuleOfParameters(parameters, new Trace(context.CancellationToken)).HasRecurrent != false)
            return;
        var inTraining = model.LoopsRunning(clip, context.CancellationToken)
            .Any(chain => chain.Any(loop => model.FactsOf(loop, context.CancellationToken).IsTraining));
        if (!inTraining)
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT4001, clip.Syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true")));
    }
}
