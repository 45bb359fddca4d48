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

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || !ActivationSiteEdits.CanEditAll(root, semanticModel, diagnostic, useLogSoftmax: false))
                continue;
            var title = diagnostic.Id == DiagnosticIds.SoftmaxBeforeCrossEntropy ? "Remove the final softmax" : "Remove the final activation";
            FixHelpers.Register(context, diagnostic, title, (editor, _) => Task.FromResult(ActivationSiteEdits.EditAll(editor, root, diagnostic, useLogSoftmax: false)));
        }
    }
}
