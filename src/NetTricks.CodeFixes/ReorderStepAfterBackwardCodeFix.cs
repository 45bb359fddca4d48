using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT3003: move <c>optimizer.step();</c> right after <c>loss.backward();</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReorderStepAfterBackwardCodeFix)), Shared]
public sealed class ReorderStepAfterBackwardCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StepBeforeBackward);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax block } step ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan)?.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } backward ||
                backward.Parent != block)
                continue;
            FixHelpers.Register(context, diagnostic, "Call step() after backward()", (editor, _) =>
            {
                editor.RemoveNode(step);
                editor.InsertAfter(backward, step.WithLeadingTrivia(backward.GetLeadingTrivia()).WithTrailingTrivia(backward.GetTrailingTrivia()));
                return Task.FromResult(true);
            });
        }
    }
}
