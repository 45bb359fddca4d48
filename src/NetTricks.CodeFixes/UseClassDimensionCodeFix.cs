using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT1007: normalise over the class dimension (<c>dim: 1</c>) instead of the batch.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseClassDimensionCodeFix)), Shared]
public sealed class UseClassDimensionCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SoftmaxOverBatchDimension);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan) is not ExpressionSyntax dim)
                continue;
            FixHelpers.Register(context, diagnostic, "Use dim: 1 (the class dimension)", (editor, _) =>
            {
                editor.ReplaceNode(dim, SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1)).WithTriviaFrom(dim));
                return Task.FromResult(true);
            });
        }
    }
}
