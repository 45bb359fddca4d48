using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT5001: add <c>weight_decay: 1e-4</c> to the optimizer (or replace an explicit zero).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWeightDecayCodeFix)), Shared]
public sealed class AddWeightDecayCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoRegularization);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) || model is null ||
                root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } creation ||
                model.GetSymbolInfo(creation, context.CancellationToken).Symbol is not IMethodSymbol method ||
                method.Parameters.FirstOrDefault(p => p.Name == "weight_decay") is not { } parameter)
                continue;

            // An explicit positional zero: replace its value; otherwise append the named argument.
            var operation = model.GetOperation(creation, context.CancellationToken) as Microsoft.CodeAnalysis.Operations.IInvocationOperation;
            var explicitArgument = operation?.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, parameter) && a.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit)?.Syntax as ArgumentSyntax;
            FixHelpers.Register(context, diagnostic, "Add weight_decay: 1e-4", (editor, _) =>
            {
                FixHelpers.SetArgument(editor, creation, explicitArgument, "weight_decay", SyntaxFactory.ParseExpression("1e-4"));
                return Task.FromResult(true);
            });
        }
    }
}
