using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT3007: a literal batch size of 1024 or more for a loader (DataLoader, MiniBatch.Shuffled) whose batches a
/// training loop iterates (evaluation loaders are left alone).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VeryLargeBatchAnalyzer : DiagnosticAnalyzer
{
    public const long Threshold = 1024;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3007);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, Analyze);
    }

    private static void Analyze(OperationAnalysisContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        var isLoader = creation.TargetMethod.Name == "DataLoader" && model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType) ||
            creation.TargetMethod.Name == "Shuffled" && creation.TargetMethod.ContainingType.ToDisplayString() == "NetTricks.MiniBatch";
        if (!isLoader)
            return;
        var batch = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "batchSize");
        if (batch is null || TrainingCodeModel.Unwrap(batch.Value).ConstantValue is not { HasValue: true, Value: int or long } constant ||
            System.Convert.ToInt64(constant.Value, CultureInfo.InvariantCulture) < Threshold)
            return;

        // The loader feeds a training loop: iterated directly (foreach over the call) or through the variable holding it.
        var loader = creation.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => TrainingCodeModel.ReferencedSymbol(assignment.Target),
            _ => null,
        };
        var loops = creation.Ancestors().Last().Descendants().OfType<IForEachLoopOperation>().Where(loop =>
            loop.Collection.DescendantsAndSelf().Any(op => ReferenceEquals(op, creation) || op.Syntax == creation.Syntax ||
                (loader is not null && SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(op), loader))));
        if (!loops.Any(loop => model.FactsOf(loop, context.CancellationToken).IsTraining))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3007, batch.Value.Syntax.GetLocation(), constant.Value));
    }
}
