using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT6003: a TorchSharp DataLoader whose <c>shuffle</c> is left at its default (false) and whose batches a training
/// loop iterates: directly, through the variable or field holding it, or through a helper's parameter it is passed to.
/// An explicit <c>shuffle: false</c> is the user's statement that the order matters (sequence-ordered data); a
/// custom shuffler, evaluation loaders and loaders never iterated by a training loop are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingLoaderNotShuffledAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT6003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnCallsAndCreations(context, new[] { "DataLoader", "IterableDataLoader" }, Analyze);
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
        if (method is null || !model.Symbols.IsTorchSharpType(method.ContainingType) ||
            !(method.Name == "DataLoader" || method.MethodKind == MethodKind.Constructor && method.ContainingType.Name is "DataLoader" or "IterableDataLoader"))
            return;
        var shuffle = arguments.FirstOrDefault(a => a.Parameter is { Name: "shuffle", Type.SpecialType: SpecialType.System_Boolean });
        if (shuffle is null || shuffle.ArgumentKind != ArgumentKind.DefaultValue)
            return;
        if (!FeedsTrainingLoop(model, creation, context))
            return;

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (creation.Syntax is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax { ArgumentList: not null })
            properties = properties.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT6003, creation.Syntax.GetLocation(), properties));
    }

    /// <summary>A training loop iterates the loader: <c>foreach</c> over the call, the variable holding it, or a helper parameter it is passed to.</summary>
    private static bool FeedsTrainingLoop(TrainingCodeModel model, IOperation creation, RuleContext context)
    {
        var parent = creation.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        var holder = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => TrainingCodeModel.ReferencedSymbol(assignment.Target),
            IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
            IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
            _ => null,
        };

        foreach (var root in Scope(model, creation, holder, context))
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IForEachLoopOperation loop && Iterates(loop, creation, holder) && model.FactsOf(loop, context.CancellationToken).IsTraining)
                    return true;

                // Handed to a helper that iterates it: TrainEpoch(model, loader).
                if (holder is not null && operation is IArgumentOperation { Parameter: { } parameter } argument &&
                    SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(argument.Value), holder) &&
                    parameter.ContainingSymbol is IMethodSymbol helper && model.IsSourceMethod(helper) &&
                    model.GetBody(helper, context.CancellationToken) is { } body &&
                    body.Descendants().OfType<IForEachLoopOperation>().Any(l => Iterates(l, null, parameter.OriginalDefinition) && model.FactsOf(l, context.CancellationToken).IsTraining))
                    return true;
            }
        }

        return false;
    }

    private static bool Iterates(IForEachLoopOperation loop, IOperation? creation, ISymbol? holder) =>
        loop.Collection.DescendantsAndSelf().Any(op =>
            creation is not null && op.Syntax == creation.Syntax ||
            holder is not null && SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(op), holder));

    /// <summary>Where the loader can be iterated: its method for a local, every member body of its type for a field or property.</summary>
    private static IEnumerable<IOperation> Scope(TrainingCodeModel model, IOperation creation, ISymbol? holder, RuleContext context)
    {
        if (holder is IFieldSymbol or IPropertySymbol)
        {
            foreach (var reference in holder.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var member in reference.GetSyntax(context.CancellationToken).DescendantNodes().OfType<BaseMethodDeclarationSyntax>())
                {
                    if (model.GetOperation(member, context.CancellationToken) is { } body)
                        yield return body;
                }
            }

            yield break;
        }

        yield return creation.Ancestors().Last();
    }
}
