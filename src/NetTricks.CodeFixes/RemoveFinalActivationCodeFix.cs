using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT1001 / NT1003 / NT1008: remove the model's final activation from the training path.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveFinalActivationCodeFix)), Shared]
public sealed class RemoveFinalActivationCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.ReluOnSignedOutputs, DiagnosticIds.SoftmaxBeforeCrossEntropy, DiagnosticIds.BoundedOutputUnknownTargetRange);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            // The activation is usually in the model's file, not in the loss call's: the action edits the solution.
            if (!FixHelpers.IsFixable(diagnostic) || !await ActivationSiteEdits.CanEditAllAsync(solution, diagnostic, useLogSoftmax: false, context.CancellationToken).ConfigureAwait(false))
                continue;
            var title = diagnostic.Id == DiagnosticIds.SoftmaxBeforeCrossEntropy ? "Remove the final softmax" : "Remove the final activation";
            FixHelpers.RegisterSolutionEdit(context, diagnostic, title, (editor, cancellationToken) => ActivationSiteEdits.EditAllAsync(editor, diagnostic, useLogSoftmax: false, cancellationToken));
        }
    }
}
