using System;
using System.Collections.Generic;
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
/// NT3008: a learning-rate scheduler created for an optimizer that is stepped, held in a local or field whose every
/// use is visible and none of them calls step() (nor lets it flow elsewhere: argument, return, another variable).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SchedulerNeverSteppedAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3008);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, static model => model.Symbols.SchedulerFactoryNames, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation creation)
    {
        if (!model.Symbols.IsScheduler(creation.Type) || !model.Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return;
        var scheduler = creation.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => TrainingCodeModel.ReferencedSymbol(assignment.Target),
            _ => null,
        };
        if (scheduler is not (ILocalSymbol or IFieldSymbol { DeclaredAccessibility: Accessibility.Private }))
            return;

        // Created for an optimizer that some training loop steps.
        var optimizer = creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } o ? TrainingCodeModel.ReferencedSymbol(o) : null;
        if (optimizer is null || model.OptimizerStepsOf(optimizer, context.CancellationToken).IsEmpty)
            return;

        foreach (var use in Uses(model, scheduler, creation, context))
        {
            if (ReferenceEquals(use.Parent, creation.Parent) && use.Parent is ISimpleAssignmentOperation)
                continue; // the assignment that stores it
            if (use.Parent is IInvocationOperation { TargetMethod.Name: "get_last_lr" or "ToString" })
                continue;
            if (use.Parent is IPropertyReferenceOperation)
                continue; // reading a property (LearningRate, ...)
            return; // stepped, passed, returned or copied: not provably unstepped
        }

        // Fix: step at the end of each epoch, i.e. of the outermost loop of this method that steps the optimizer.
        // ReduceLROnPlateau needs the validation metric, which only the user can name: no fix there.
        var properties = ImmutableDictionary<string, string?>.Empty;
        var epochLoop = creation.Ancestors().Last().LoopsUnder()
            .Where(l => l.Syntax.SpanStart > creation.Syntax.SpanStart &&
                model.FactsOf(l, context.CancellationToken).Events.Any(e => e.Kind == StepEventKind.OptimizerStep &&
                    SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(TrainingCodeModel.ReceiverOf(e.Invocation)!), optimizer)))
            .OrderBy(l => l.Syntax.SpanStart)
            .FirstOrDefault();
        if (scheduler is ILocalSymbol && epochLoop is { Body: IBlockOperation } && creation.TargetMethod.Name != "ReduceLROnPlateau")
            properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.LoopStart, epochLoop.Syntax.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3008, creation.Syntax.GetLocation(), properties, scheduler.Name));
    }

    /// <summary>
    /// The identifier names spelled <paramref name="name"/> under a declaration, in document order: the places where
    /// its text holds the name, kept where the token there is that identifier. Enumerating every node of the class
    /// cost more than the rest of the rule. Text with a Unicode escape (an identifier may be spelled with one) is
    /// searched node by node instead.
    /// </summary>
    private static IEnumerable<IdentifierNameSyntax> IdentifierNamesIn(SyntaxNode declaration, string name)
    {
        var text = declaration.SyntaxTree.GetText().ToString(declaration.Span); // a copy of the source, not a walk of the tokens
        if (text.IndexOf("\\u", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            foreach (var node in declaration.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (node.Identifier.ValueText == name)
                    yield return node;
            }

            yield break;
        }

        var start = declaration.SpanStart;
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
        {
            var token = declaration.FindToken(start + at);
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.Contains(start + at) && token.ValueText == name && token.Parent is IdentifierNameSyntax identifier)
                yield return identifier;
        }
    }

    /// <summary>Every reference to the local (its method) or private field (its declaring type).</summary>
    private static ImmutableArray<IOperation> Uses(TrainingCodeModel model, ISymbol scheduler, IOperation creation, RuleContext context)
    {
        // The identifiers spelled like it in its method (a local) or its declaring type (a field), bound one by one:
        // walking every operation of the method per scheduler cost more than the rest of the rule.
        var declarations = scheduler is ILocalSymbol
            ? new[] { creation.Ancestors().Last().Syntax }
            : scheduler.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken));
        var roots = declarations
            .SelectMany(declaration => IdentifierNamesIn(declaration, scheduler.Name))
            .Select(n => model.GetOperation(n, context.CancellationToken))
            .Where(op => op is not null)
            .Select(op => op!)
            .ToImmutableArray();
        return roots.SelectMany(r => r.DescendantsAndSelf())
            .Where(op => op.Kind is OperationKind.LocalReference or OperationKind.FieldReference or OperationKind.PropertyReference
                or OperationKind.ParameterReference or OperationKind.Conversion or OperationKind.Argument &&
                SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(op), scheduler))
            .GroupBy(op => op.Syntax.SpanStart)
            .Select(g => g.First())
            .ToImmutableArray();
    }
}
