using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT3004 (SGD without momentum) and NT3005 (a literal learning rate outside its optimizer's usual range):
/// both read the literal arguments of one optimizer construction.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptimizerSettingsAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Usual learning-rate ranges by TorchSharp optimizer (from the catalogue).</summary>
    private static readonly Dictionary<string, (double Low, double High)> UsualRates = new()
    {
        ["Adam"] = (1e-6, 0.1), ["AdamW"] = (1e-6, 0.1), ["Adamax"] = (1e-6, 0.1), ["NAdam"] = (1e-6, 0.1),
        ["RAdam"] = (1e-6, 0.1), ["RMSProp"] = (1e-6, 0.1),
        ["SGD"] = (1e-6, 10), ["ASGD"] = (1e-6, 10), ["Adagrad"] = (1e-6, 10), ["Rprop"] = (1e-6, 10),
        ["Adadelta"] = (0, 10), ["LBFGS"] = (0, 10),
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3004, Descriptors.NT3005);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, UsualRates.Keys, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        var name = creation.TargetMethod.Name;
        if (!UsualRates.TryGetValue(name, out var usual) || !model.Symbols.IsOptimizer(creation.Type) || !model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return;

        var rate = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name is "lr" or "learningRate");
        if (rate is { ArgumentKind: ArgumentKind.Explicit } && Literal(rate.Value) is { } value && (value < usual.Low || value > usual.High || value <= 0))
        {
            var range = $"{usual.Low.ToString("G", CultureInfo.InvariantCulture)} to {usual.High.ToString("G", CultureInfo.InvariantCulture)}";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3005, creation.Syntax.GetLocation(), new[] { rate.Value.Syntax.GetLocation() },
                value.ToString("G", CultureInfo.InvariantCulture), name, range));
        }

        if (name == "SGD")
        {
            var momentum = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "momentum");
            var noMomentum = momentum is null || momentum.ArgumentKind != ArgumentKind.Explicit || Literal(momentum.Value) is 0;
            if (noMomentum)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true");
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3004, creation.Syntax.GetLocation(), properties));
            }
        }
    }

    /// <summary>A literal (or constant) number; null for values from configuration, parameters or variables.</summary>
    private static double? Literal(IOperation value) =>
        TrainingCodeModel.Unwrap(value).ConstantValue is { HasValue: true, Value: { } constant } && constant is not string and not bool and not char
            ? System.Convert.ToDouble(constant, CultureInfo.InvariantCulture)
            : null;
}
