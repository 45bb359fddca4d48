using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT1003: cross-entropy on softmax probabilities instead of logits.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SoftmaxBeforeCrossEntropyAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLossCalls(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.LossFactsOf(invocation, context.CancellationToken) is not { Loss.Kind: LossKind.CrossEntropy } facts)
            return;
        var (loss, output) = facts;
        if (output.Kind == ActivationKind.Softmax)
            context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1003, loss, output, fixable: true));
    }
}
