using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT3002: a training loop that runs backward() and step() but never zero_grad().</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingZeroGradAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "backward" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation backward)
    {
        if (backward.TargetMethod.Name != "backward" || model.Classify(backward) != StepEventKind.Backward || model.IsInModuleForward(backward, context.CancellationToken))
            return;
        var loop = model.TrainingStepLoops(backward, context.CancellationToken).FirstOrDefault(l => !l.Has(StepEventKind.ZeroGrad));
        if (loop is null)
            return;

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (FixableOptimizer(loop, backward) is { } optimizer)
            properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.Optimizer, optimizer);
        var step = loop.Events.First(e => e.Kind == StepEventKind.OptimizerStep).Invocation;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3002, backward.Syntax.GetLocation(), new[] { step.Syntax.GetLocation() }, properties));
    }

    /// <summary>The optimizer expression to call zero_grad() on, when it can be written right before backward().</summary>
    private static string? FixableOptimizer(LoopFacts loop, IInvocationOperation backward)
    {
        if (backward.Parent is not IExpressionStatementOperation { Parent: IBlockOperation })
            return null;
        // The step must be written in the same method as backward(), or its optimizer may not be reachable there.
        var method = backward.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        var stepEvents = loop.Events.Where(e => e.Kind == StepEventKind.OptimizerStep).ToList();
        if (stepEvents.Any(e => e.Invocation.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>() != method))
            return null;
        var steps = stepEvents.Select(e => TrainingCodeModel.ReceiverOf(e.Invocation)).ToList();
        if (steps.Count == 0 || steps.Any(s => s is null))
            return null;
        var symbols = steps.Select(s => TrainingCodeModel.ReferencedSymbol(s!)).Distinct(SymbolEqualityComparer.Default).ToList();
        if (symbols.Count != 1 || symbols[0] is not { } symbol)
            return null;

        // The optimizer must be in scope at backward(): a member, a parameter, or a local of the same method declared before it.
        var inScope = symbol switch
        {
            IFieldSymbol or IPropertySymbol => true,
            IParameterSymbol p => SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, backward.SemanticModel?.GetEnclosingSymbol(backward.Syntax.SpanStart)),
            ILocalSymbol l => l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is { } declaration &&
                declaration.SyntaxTree == backward.Syntax.SyntaxTree && declaration.SpanStart < backward.Syntax.SpanStart &&
                declaration.FirstAncestorOrSelf<BlockSyntax>() is { } block && block.Span.Contains(backward.Syntax.Span),
            _ => false,
        };
        return inScope && steps[0]!.Syntax is ExpressionSyntax expression ? expression.ToString() : null;
    }
}
