using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT3004: add <c>momentum: 0.9</c> to SGD (or replace an explicit zero).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddMomentumCodeFix)), Shared]
public sealed class AddMomentumCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SgdWithoutMomentum);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } creation ||
                model.GetOperation(creation, context.CancellationToken) is not IInvocationOperation operation)
                continue;
            var momentum = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "momentum" && a.ArgumentKind == ArgumentKind.Explicit)?.Syntax as ArgumentSyntax;
            FixHelpers.Register(context, diagnostic, "Add momentum: 0.9", (editor, _) =>
            {
                FixHelpers.SetArgument(editor, creation, momentum, "momentum", SyntaxFactory.ParseExpression("0.9"));
                return Task.FromResult(true);
            });
        }
    }
}
