using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT1001: a regression loss on a bounded final activation whose range the targets provably leave;
/// NT1008: the same, when nothing shows the targets' range (one analysis, two certainties).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReluOnSignedOutputsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1001, Descriptors.NT1008);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLossCalls(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.LossFactsOf(invocation, context.CancellationToken) is not { Loss.IsRegression: true } facts)
            return;
        var (loss, output) = facts;
        if (OutputActivation.RangeOf(output.Kind) is not { } reachable)
            return;

        // A sigmoid over one-hot classes is a classification mistake (NT1002), not an unreachable range.
        if (output.Kind == ActivationKind.Sigmoid && model.IsProducedBy(loss.Target, "one_hot", new Trace(context.CancellationToken)))
            return;
        if (model.RangeOf(loss.Target, new Trace(context.CancellationToken)) is not { } targets)
        {
            context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1008, loss, output, fixable: true,
                OutputActivation.DisplayName(output.Kind), reachable.ToString()));
            return;
        }

        if (reachable.Contains(targets))
            return;

        var outside = targets.Low < reachable.Low
            ? (reachable.Low == 0 ? "negative" : $"below {reachable.Low}")
            : $"above {reachable.High}";
        context.ReportDiagnostic(FixProperties.AtLossCall(Descriptors.NT1001, loss, output, fixable: true,
            OutputActivation.DisplayName(output.Kind), reachable.ToString(), outside));
    }
}
