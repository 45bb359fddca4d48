using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT5007: <c>functional.dropout(x, p)</c> in a module's forward without the module's training flag.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FunctionalDropoutIgnoresEvalAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5007);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "dropout", "dropout1d", "dropout2d", "dropout3d" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        // Only the forms whose training flag defaults to true (alpha_dropout defaults to false).
        if (invocation.TargetMethod.Name is not ("dropout" or "dropout1d" or "dropout2d" or "dropout3d") ||
            !model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            return;
        var training = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "training");
        if (training is null || training.ArgumentKind == ArgumentKind.Explicit)
            return;
        if (!model.IsInModuleForward(invocation, context.CancellationToken))
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5007, invocation.Syntax.GetLocation(), properties, invocation.TargetMethod.Name));
    }
}
