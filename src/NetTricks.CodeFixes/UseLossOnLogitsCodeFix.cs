using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT1002: train the classifier with cross-entropy on the logits: drop the softmax and compute
/// <c>functional.cross_entropy(output, target)</c> (one-hot / probability targets are accepted as they are).
/// NT1005: drop the sigmoid and compute <c>functional.binary_cross_entropy_with_logits(output, target)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseLossOnLogitsCodeFix)), Shared]
public sealed class UseLossOnLogitsCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MseWithSoftmax, DiagnosticIds.SigmoidBeforeBce);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } loss)
                continue;

            // A reduction or other extra argument would land on cross_entropy's weight parameter: no fix.
            if (loss.ArgumentList.Arguments.Count != 2 || loss.ArgumentList.Arguments[0].NameColon is not null || loss.ArgumentList.Arguments[1].NameColon is not null)
                continue;
            if (!await ActivationSiteEdits.CanEditAllAsync(solution, diagnostic, useLogSoftmax: false, context.CancellationToken).ConfigureAwait(false))
                continue;
            var (title, function) = diagnostic.Id == DiagnosticIds.SigmoidBeforeBce
                ? ("Use BCE with logits", "TorchSharp.torch.nn.functional.binary_cross_entropy_with_logits")
                : ("Use cross-entropy on the logits", "TorchSharp.torch.nn.functional.cross_entropy");

            // The activation may be in the model's file and the loss call in this one: both are edited, in one action.
            FixHelpers.RegisterSolutionEdit(context, diagnostic, title, async (editor, cancellationToken) =>
            {
                if (!await ActivationSiteEdits.EditAllAsync(editor, diagnostic, useLogSoftmax: false, cancellationToken).ConfigureAwait(false))
                    return false;

                var lossEditor = await editor.GetDocumentEditorAsync(context.Document.Id, cancellationToken).ConfigureAwait(false);
                lossEditor.ReplaceNode(loss, (current, _) =>
                {
                    var arguments = ((InvocationExpressionSyntax)current).ArgumentList;
                    return SyntaxFactory.InvocationExpression(FixHelpers.Qualified(function), arguments).WithTriviaFrom(current);
                });
                return true;
            });
        }
    }
}
