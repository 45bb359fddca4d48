using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT8004: <c>torch.no_grad()</c> / <c>inference_mode()</c> as a statement whose guard is discarded (gradients stay
/// off for the thread); <c>enable_grad(false)</c> / <c>set_grad_enabled(false)</c> likewise in a compilation that trains.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NoGradNotScopedAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT8004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only a guard called as a statement of its own is reported: the usual `using (no_grad())` is not bound.
        Registration.OnInvocations(context, new[] { "no_grad", "inference_mode", "enable_grad", "set_grad_enabled" }, Analyze, static node => node.Parent is ExpressionStatementSyntax);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        var name = invocation.TargetMethod.Name;
        if (name is not ("no_grad" or "inference_mode" or "enable_grad" or "set_grad_enabled") ||
            !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, model.Symbols.Torch) ||
            invocation.Parent is not IExpressionStatementOperation)
            return;

        if (name is "enable_grad" or "set_grad_enabled" or "inference_mode")
        {
            // Only the disabling forms; set_grad_enabled(false) once in an inference-only program is deliberate.
            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0);
            var disables = argument is { ArgumentKind: ArgumentKind.Explicit } && argument.Value.ConstantValue is { HasValue: true, Value: false };
            var inferenceMode = name == "inference_mode" && (argument is null || argument.ArgumentKind != ArgumentKind.Explicit || argument.Value.ConstantValue is { HasValue: true, Value: true });
            if (!disables && !inferenceMode)
                return;
            if (name != "inference_mode" && !Trains(model, context))
                return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, invocation.Parent.Parent is IBlockOperation ? "true" : null);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT8004, invocation.Syntax.GetLocation(), properties, invocation.Syntax.ToString()));
    }

    private static bool Trains(TrainingCodeModel model, RuleContext context) =>
        model.Index.CallsNamed("backward").Any(node => model.GetOperation(node, context.CancellationToken) is IInvocationOperation backward && model.Classify(backward) == StepEventKind.Backward);
}
