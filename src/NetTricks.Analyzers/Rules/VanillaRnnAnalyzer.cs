using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT4005: a vanilla <c>nn.RNN</c> / <c>RNNCell</c> that is part of a trained model (the model's value flow: its output
/// feeds a loss that <c>backward()</c> runs on, or a stepped optimizer holds its parameters). An RNN never trained is left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VanillaRnnAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT4005);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "RNN", "RNNCell" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        if (creation.TargetMethod.Name is not ("RNN" or "RNNCell") || !model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType) || !model.Symbols.IsModule(creation.Type))
            return;

        // Only in a trained model: a layer of a module whose output feeds a backward() loss, or whose parameters a stepped optimizer holds.
        if (!model.IsPartOfTrainedModel(creation, context.CancellationToken))
            return;

        // GRU takes the same leading arguments but no nonLinearity: only rewrite calls that don't pass one.
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (!creation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Name == "nonLinearity") &&
            !creation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Ordinal >= 3 && a.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax { NameColon: null }))
            properties = properties.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT4005, creation.Syntax.GetLocation(), properties, creation.TargetMethod.Name));
    }
}
