using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT3006: SGD stepped over many epochs (its step runs in a loop nested in another loop) with no scheduler created
/// for it and no manual learning-rate change anywhere in the compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NoLearningRateScheduleAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3006);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "SGD" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        if (creation.TargetMethod.Name != "SGD" || !model.Symbols.IsOptimizer(creation.Type) || !model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return;
        var optimizer = creation.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => TrainingCodeModel.ReferencedSymbol(assignment.Target),
            _ => null,
        };
        if (optimizer is null)
            return;

        // Multi-epoch: some step of this optimizer runs inside two nested loops (epochs x batches) or a loop of a helper called from one.
        var multiEpoch = model.OptimizerStepsOf(optimizer, context.CancellationToken)
            .Any(s => model.LoopsRunning(s, context.CancellationToken).Any(chain => chain.Length >= 2) ||
                      s.Ancestors().OfType<ILoopOperation>().Count() >= 2);
        if (!multiEpoch)
            return;

        // Any scheduler created with this optimizer (stepped or not: the latter is NT3008), or a manual rate change.
        foreach (var node in model.Index.CallsNamed("StepLR").AddRange(SchedulerFactories(model)))
        {
            if (model.GetOperation(node, context.CancellationToken) is IInvocationOperation scheduler && model.Symbols.IsScheduler(scheduler.Type) &&
                scheduler.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } argument &&
                SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(argument), optimizer))
                return;
        }

        if (ChangesLearningRateByHand(model, context))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3006, creation.Syntax.GetLocation()));
    }

    private static ImmutableArray<SyntaxNode> SchedulerFactories(TrainingCodeModel model) =>
        new[] { "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR", "ReduceLROnPlateau", "LambdaLR", "LinearLR", "PolynomialLR", "MultiplicativeLR", "ConstantLR", "SequentialLR", "ChainedScheduler", "CosineAnnealingWarmRestarts" }
            .SelectMany(name => model.Index.CallsNamed(name))
            .ToImmutableArray();

    /// <summary>An assignment to a learning-rate property (param group LearningRate / lr) anywhere: manual decay.</summary>
    private static bool ChangesLearningRateByHand(TrainingCodeModel model, RuleContext context) =>
        new[] { "LearningRate", "lr", "learning_rate" }.Any(name => !model.Index.CallsNamed(TreeIndex.AssignmentPrefix + name).IsEmpty);
}
