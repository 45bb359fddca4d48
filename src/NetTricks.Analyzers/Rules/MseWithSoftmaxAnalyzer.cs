using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT1002: MSE / L1 loss on softmax probabilities (or a sigmoid over one-hot classes).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MseWithSoftmaxAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLossCalls(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.LossFactsOf(invocation, context.CancellationToken) is not { Loss.Kind: LossKind.MeanSquared or LossKind.MeanAbsolute } facts)
            return;
        var (loss, output) = facts;
        var isClassProbabilities = output.Kind == ActivationKind.Softmax ||
            (output.Kind == ActivationKind.Sigmoid && model.IsProducedBy(loss.Target, "one_hot", new Trace(context.CancellationToken)));
        if (!isClassProbabilities)
            return;

        // The fix swaps the loss for cross_entropy and drops the softmax; a sigmoid head needs a human decision.
        context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1002, loss, output, fixable: output.Kind == ActivationKind.Softmax && !loss.HasSettings,
            loss.DisplayName, OutputActivation.DisplayName(output.Kind)));
    }
}
