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
/// training loop iterates (evaluation loaders are left alone). Both <c>torch.utils.data.DataLoader(...)</c> and
/// <c>new DataLoader(...)</c>, iterated in the creating method or in another one (field, argument, factory return).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VeryLargeBatchAnalyzer : DiagnosticAnalyzer
{
    public const long Threshold = 1024;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3007);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnCallsAndCreations(context, new[] { "DataLoader", "IterableDataLoader", "Shuffled" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        var creation = context.Operation;
        var (method, arguments) = creation switch
        {
            IInvocationOperation invocation => (invocation.TargetMethod, invocation.Arguments),
            IObjectCreationOperation construction => (construction.Constructor, construction.Arguments),
            _ => (null, ImmutableArray<IArgumentOperation>.Empty),
        };
        if (method is null)
            return;
        var isLoader = method.MethodKind == MethodKind.Constructor
            ? method.ContainingType.Name is "DataLoader" or "IterableDataLoader" && model.Symbols.IsTorchSharpType(method.ContainingType)
            : method.Name == "DataLoader" && model.Symbols.IsTorchSharpType(method.ContainingType) ||
              method.Name == "Shuffled" && model.Symbols.IsRuntimeType(method.ContainingType, model.Symbols.RuntimeMiniBatch);
        if (!isLoader)
            return;
        var batch = arguments.FirstOrDefault(a => a.Parameter?.Name == "batchSize");
        if (batch is null || batch.ArgumentKind != ArgumentKind.Explicit ||
            TrainingCodeModel.Unwrap(batch.Value).ConstantValue is not { HasValue: true, Value: int or long } constant ||
            System.Convert.ToInt64(constant.Value, CultureInfo.InvariantCulture) < Threshold)
            return;

        // The loader feeds a training loop: iterated directly, through the local, field or property holding it,
        // a helper's parameter it is passed to, or the caller of a method returning it (the model's value flow).
        var loops = model.LoopsIterating(creation, context.CancellationToken);
        if (!loops.Any(loop => model.FactsOf(loop, context.CancellationToken).IsTraining))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3007, creation.Syntax.GetLocation(), new[] { batch.Value.Syntax.GetLocation() }, constant.Value));
    }
}
