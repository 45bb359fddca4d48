using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT8002: keep a detached copy (no graph) instead of the loss tensor.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DetachAccumulatedLossCodeFix)), Shared]
public sealed class DetachAccumulatedLossCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LossTensorAccumulated);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan) is not ExpressionSyntax value)
                continue;
            FixHelpers.Register(context, diagnostic, "Accumulate a detached copy (loss.detach())", (editor, _) =>
            {
                editor.ReplaceNode(value, (current, _) => SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FixHelpers.Parenthesize((ExpressionSyntax)current), SyntaxFactory.IdentifierName("detach")))
                    .WithTriviaFrom(current));
                return Task.FromResult(true);
            });
        }
    }
}
