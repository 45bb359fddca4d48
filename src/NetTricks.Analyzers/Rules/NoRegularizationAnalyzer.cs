using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT5001: an optimizer for a large model (more than ~100k parameters, counted from literal layer sizes) with no
/// weight decay, while the model has no dropout or normalisation and training has no early stopping.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NoRegularizationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The <c>.editorconfig</c> key that overrides <see cref="DefaultMinParameters"/>.</summary>
    public const string MinParametersOption = "nettricks.NT5001.min_parameters";
    public const long DefaultMinParameters = 100_000;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, static model => model.Symbols.OptimizerFactoryNames, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        if (!model.Symbols.IsOptimizer(creation.Type) || !model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return;
        var parameters = creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (parameters is null)
            return;
        var module = model.ModuleOfParameters(parameters, new Trace(context.CancellationToken));
        if (!module.IsKnown || module.HasRegularizingLayer != false || module.KnownParameters <= MinParameters(context, creation))
            return;
        var weightDecay = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "weight_decay");
        if (weightDecay is null || (weightDecay.ArgumentKind == ArgumentKind.Explicit && weightDecay.Value.ConstantValue is not { HasValue: true, Value: 0d or 0f or 0 }))
            return;
        if (HasEarlyStopping(model, creation, context))
            return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5001, creation.Syntax.GetLocation(), properties, module.Name, module.KnownParameters));
    }

    private static long MinParameters(RuleContext context, IOperation operation)
    {
        var options = context.Options.AnalyzerConfigOptionsProvider.GetOptions(operation.Syntax.SyntaxTree);
        return options.TryGetValue(MinParametersOption, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : DefaultMinParameters;
    }

    /// <summary>A conditional break in a loop that steps this optimizer: the usual shape of early stopping.</summary>
    private static bool HasEarlyStopping(TrainingCodeModel model, IInvocationOperation creation, RuleContext context)
    {
        var optimizer = creation.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => TrainingCodeModel.ReferencedSymbol(assignment.Target),
            _ => null,
        };
        if (optimizer is null)
            return false;
        foreach (var step in model.OptimizerStepsOf(optimizer, context.CancellationToken))
        {
            if (model.LoopsRunning(step, context.CancellationToken).Any(chain => chain.Any(loop => model.FactsOf(loop, context.CancellationToken).HasConditionalBreak)))
                return true;
        }

        return false;
    }
}
