using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT1004: NLLLoss on softmax probabilities instead of log-probabilities.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NllLossOnProbabilitiesAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLossCalls(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.LossFactsOf(invocation, context.CancellationToken) is not { Loss.Kind: LossKind.NegativeLogLikelihood } facts)
            return;
        var (loss, output) = facts;
        if (output.Kind != ActivationKind.Softmax)
            return;

        // Renaming to log_softmax / LogSoftmax works for fluent, functional and Sequential sites, not for a typed field.
        var fixable = output.Sites.All(s => s.Shape != SiteShape.ModuleCall);
        context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1004, loss, output, fixable));
    }
}
