using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT1001 / NT1003: remove the model's final activation from the training path.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveFinalActivationCodeFix)), Shared]
public sealed class RemoveFinalActivationCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.ReluOnSignedOutputs, DiagnosticIds.SoftmaxBeforeCrossEntropy);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic))
                continue;
            var title = diagnostic.Id == DiagnosticIds.SoftmaxBeforeCrossEntropy ? "Remove the final softmax" : "Remove the final activation";
            FixHelpers.Register(context, diagnostic, title, async (editor, cancellationToken) =>
            {
                var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var shapes = FixHelpers.SiteShapes(diagnostic);
                if (root is null || shapes.Length != diagnostic.AdditionalLocations.Count)
                    return false;
                for (var i = 0; i < shapes.Length; i++)
                {
                    if (!ActivationSiteEdits.TryRemove(editor, root, diagnostic.AdditionalLocations[i], shapes[i]))
                        return false;
                }

                return true;
            });
        }

        return Task.CompletedTask;
    }
}
