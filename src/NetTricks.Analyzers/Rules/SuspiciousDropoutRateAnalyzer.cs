using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT5002: a literal dropout probability of 0.9 or more (a keep-probability), or outside [0, 1).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SuspiciousDropoutRateAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, DropoutParameters.Keys, Analyze);
    }

    /// <summary>The factories and functional forms that take a drop probability, and the name of that parameter.</summary>
    private static readonly System.Collections.Generic.Dictionary<string, string> DropoutParameters = new(System.StringComparer.Ordinal)
    {
        ["Dropout"] = "p", ["Dropout1d"] = "p", ["Dropout2d"] = "p", ["Dropout3d"] = "p", ["AlphaDropout"] = "p", ["FeatureAlphaDropout"] = "p",
        ["dropout"] = "p", ["dropout1d"] = "p", ["dropout2d"] = "p", ["dropout3d"] = "p", ["alpha_dropout"] = "p", ["feature_alpha_dropout"] = "p",
        ["RNN"] = "dropout", ["LSTM"] = "dropout", ["GRU"] = "dropout", ["Transformer"] = "dropout", ["TransformerEncoderLayer"] = "dropout",
        ["TransformerDecoderLayer"] = "dropout", ["MultiheadAttention"] = "dropout",
    };

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (!DropoutParameters.TryGetValue(invocation.TargetMethod.Name, out var parameter) || !model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            return;
        var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter && a.ArgumentKind == ArgumentKind.Explicit);
        if (argument is null || TrainingCodeModel.Unwrap(argument.Value).ConstantValue is not { HasValue: true, Value: { } constant } || constant is string or bool or char)
            return;
        var p = System.Convert.ToDouble(constant, CultureInfo.InvariantCulture);
        if (p is >= 0 and < 0.9)
            return;

        var keepProbability = p is >= 0.9 and < 1;
        var reason = keepProbability ? "drops that fraction of the units (is it a keep-probability?); use 1 - p" : "is outside [0, 1)";
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.InputSpan, FixProperties.Span(argument.Value.Syntax));
        if (keepProbability)
            properties = properties.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5002, argument.Value.Syntax.GetLocation(), properties,
            p.ToString("G", CultureInfo.InvariantCulture), reason));
    }
}
