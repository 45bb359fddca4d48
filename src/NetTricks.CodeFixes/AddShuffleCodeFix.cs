using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT6003: pass <c>shuffle: true</c> to the training DataLoader (the argument was left at its default).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddShuffleCodeFix)), Shared]
public sealed class AddShuffleCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TrainingLoaderNotShuffled);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic))
                continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var arguments = node.FirstAncestorOrSelf<ExpressionSyntax>(e => e is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax && e.Span == diagnostic.Location.SourceSpan) switch
            {
                InvocationExpressionSyntax invocation => invocation.ArgumentList,
                BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
                _ => null,
            };
            if (arguments is null)
                continue;
            FixHelpers.Register(context, diagnostic, "Shuffle the training batches (shuffle: true)", (editor, _) =>
            {
                var shuffle = SyntaxFactory.Argument(SyntaxFactory.NameColon("shuffle"), default, SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression));
                editor.ReplaceNode(arguments, (current, _) => ((ArgumentListSyntax)current).AddArguments(shuffle));
                return Task.FromResult(true);
            });
        }
    }
}
