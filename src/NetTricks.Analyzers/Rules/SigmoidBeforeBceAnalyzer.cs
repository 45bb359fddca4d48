using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT1005: BCELoss on a sigmoid output instead of BCEWithLogitsLoss on the logits.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SigmoidBeforeBceAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1005);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLossCalls(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.LossFactsOf(invocation, context.CancellationToken) is { Loss.Kind: LossKind.BinaryCrossEntropy, Output.Kind: ActivationKind.Sigmoid } facts)
            context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1005, facts.Loss, facts.Output, fixable: !facts.Loss.HasSettings));
    }
}
