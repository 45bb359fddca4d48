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
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, Analyze);
    }

    private static void Analyze(OperationAnalysisContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.AsLossCall(invocation, new Trace(context.CancellationToken)) is not { Kind: LossKind.CrossEntropy } loss)
            return;
        var output = model.OutputOf(loss.Input, new Trace(context.CancellationToken));
        if (output.Kind == ActivationKind.Softmax)
            context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1003, loss, output, fixable: true));
    }
}
