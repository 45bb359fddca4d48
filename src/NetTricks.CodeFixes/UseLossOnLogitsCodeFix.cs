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

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || !ActivationSiteEdits.CanEditAll(root, semanticModel, diagnostic, useLogSoftmax: false) || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } loss)
                continue;

            // A reduction or other extra argument would land on cross_entropy's weight parameter: no fix.
            if (loss.ArgumentList.Arguments.Count != 2 || loss.ArgumentList.Arguments[0].NameColon is not null || loss.ArgumentList.Arguments[1].NameColon is not null)
                continue;
            var (title, function) = diagnostic.Id == DiagnosticIds.SigmoidBeforeBce
                ? ("Use BCE with logits", "TorchSharp.torch.nn.functional.binary_cross_entropy_with_logits")
                : ("Use cross-entropy on the logits", "TorchSharp.torch.nn.functional.cross_entropy");
            FixHelpers.Register(context, diagnostic, title, (editor, _) =>
            {
                if (!ActivationSiteEdits.EditAll(editor, root, diagnostic, useLogSoftmax: false))
                    return Task.FromResult(false);

                editor.ReplaceNode(loss, (current, _) =>
                {
                    var arguments = ((InvocationExpressionSyntax)current).ArgumentList;
                    return SyntaxFactory.InvocationExpression(FixHelpers.Qualified(function), arguments).WithTriviaFrom(current);
                });
                return Task.FromResult(true);
            });
        }
    }
}
