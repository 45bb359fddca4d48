using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT6001: an ML.NET trainer that needs scaled features (SDCA, L-BFGS, SGD, online gradient descent, averaged
/// perceptron, linear and LD SVM; also wrapped by OneVersusAll/PairwiseCoupling) is fitted in a pipeline where raw
/// data columns reach its feature column with no Normalize* transform on them or on the concatenated column.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LinearTrainerWithoutNormalizationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Span of the <c>X.Append(trainer)</c> call the fix splits into <c>X.Append(normalizer).Append(trainer)</c>.</summary>
    internal const string AppendSpan = "AppendSpan";

    /// <summary>Source text of the MLContext the trainer comes from (<c>mlContext</c>, <c>this.ml</c>).</summary>
    internal const string MlContext = "MlContext";

    /// <summary>Source text of the feature column name for <c>NormalizeMinMax</c>.</summary>
    internal const string Column = "Column";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT6001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnTorchSharpOrMlNetInvocations(context, MlNetSymbols.ScalingTrainers, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation trainer)
    {
        if (!MlNetSymbols.IsScalingTrainer(trainer.TargetMethod) || model.MlNet is not { } ml)
            return;
        if (model.FindUnscaledFeatures(trainer, context.CancellationToken) is not { } finding)
            return;

        var properties = FixPropertiesFor(ml, trainer, finding.FeatureColumn);
        var columns = string.Join(", ", finding.RawColumns.Select(c => "'" + c + "'"));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT6001, trainer.Syntax.GetLocation(), new[] { finding.Run.Syntax.GetLocation() }, properties,
            trainer.TargetMethod.Name, columns, finding.FeatureColumn));
    }

    /// <summary>
    /// The fix splits <c>X.Append(trainer)</c> into <c>X.Append(ctx.Transforms.NormalizeMinMax(column)).Append(trainer)</c>:
    /// only when the trainer (or the OneVersusAll/PairwiseCoupling call around it) is written as the argument of an
    /// estimator <c>Append</c>, and its MLContext is a variable the fix can name again. The result has the same type.
    /// </summary>
    private static ImmutableDictionary<string, string?> FixPropertiesFor(MlNetSymbols ml, IInvocationOperation trainer, string column)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (ml.NormalizationCatalog is null || ContextOf(ml, trainer) is not { } context || AppendTaking(ml, trainer) is not { } append)
            return properties;
        return properties.Add(FixProperties.Fixable, "true")
            .Add(AppendSpan, FixProperties.Span(append.Syntax))
            .Add(MlContext, context.Syntax.ToString())
            .Add(Column, ColumnText(trainer, column));
    }

    /// <summary><c>mlContext</c> in <c>mlContext.Regression.Trainers.Sdca()</c>, when it is a plain variable.</summary>
    private static IOperation? ContextOf(MlNetSymbols ml, IInvocationOperation trainer)
    {
        var value = TrainingCodeModel.ReceiverOf(trainer) is { } catalog ? TrainingCodeModel.Unwrap(catalog) : null;
        while (value is IPropertyReferenceOperation { Instance: { } instance } && !ml.IsMlContext(value.Type))
            value = TrainingCodeModel.Unwrap(instance);
        return value is not null && ml.IsMlContext(value.Type) && TrainingCodeModel.ReferencedSymbol(value) is not null ? value : null;
    }

    /// <summary>The estimator <c>X.Append(…)</c> call whose appended argument is the trainer or its multiclass wrapper.</summary>
    private static IInvocationOperation? AppendTaking(MlNetSymbols ml, IInvocationOperation trainer)
    {
        IOperation appended = trainer;
        if (ArgumentHolding(appended) is { Parent: IInvocationOperation { TargetMethod.Name: "OneVersusAll" or "PairwiseCoupling" } wrapper } inner &&
            inner.Parameter?.Name == "binaryEstimator")
            appended = wrapper;
        if (ArgumentHolding(appended) is not { Parent: IInvocationOperation { TargetMethod.Name: "Append" } append } argument ||
            !MlNetSymbols.IsMlNetMethod(append.TargetMethod) || !ml.IsEstimator(append.Type))
            return null;
        var appendedOrdinal = append.Instance is not null ? 0 : 1; // extension Append(start, estimator)
        if (argument.Parameter?.Ordinal != appendedOrdinal || append.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax })
            return null;
        var head = append.Instance ?? append.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        return head is not null && ml.IsEstimator(TrainingCodeModel.Unwrap(head).Type) ? append : null;
    }

    private static IArgumentOperation? ArgumentHolding(IOperation value)
    {
        var parent = value.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        return parent as IArgumentOperation;
    }

    /// <summary>The trainer's own constant column expression when it wrote one (a const or nameof stays a name), else a literal.</summary>
    private static string ColumnText(IInvocationOperation trainer, string column)
    {
        var explicitColumn = trainer.Arguments.FirstOrDefault(a => a.Parameter?.Name == "featureColumnName" && a.ArgumentKind == ArgumentKind.Explicit);
        if (explicitColumn is not null && explicitColumn.Value.ConstantValue.HasValue)
            return explicitColumn.Value.Syntax.ToString();
        var options = trainer.Arguments.FirstOrDefault(a => a.Parameter?.Name == "options")?.Value;
        if (options is not null && TrainingCodeModel.Unwrap(options) is IObjectCreationOperation { Initializer: { } initializer } &&
            initializer.Initializers.OfType<ISimpleAssignmentOperation>().FirstOrDefault(a => a.Target is IMemberReferenceOperation { Member.Name: "FeatureColumnName" }) is { Value.ConstantValue.HasValue: true } assignment)
            return assignment.Value.Syntax.ToString();
        return SymbolDisplay.FormatLiteral(column, quote: true);
    }
}
