using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT1004: replace Softmax by LogSoftmax before NLLLoss.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseLogSoftmaxCodeFix)), Shared]
public sealed class UseLogSoftmaxCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NllLossOnProbabilities);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic))
                continue;
            FixHelpers.Register(context, diagnostic, "Use LogSoftmax", async (editor, cancellationToken) =>
            {
                var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var shapes = FixHelpers.SiteShapes(diagnostic);
                if (root is null || shapes.Length != diagnostic.AdditionalLocations.Count)
                    return false;
                for (var i = 0; i < shapes.Length; i++)
                {
                    if (!ActivationSiteEdits.TryUseLogSoftmax(editor, root, diagnostic.AdditionalLocations[i], shapes[i]))
                        return false;
                }

                return true;
            });
        }

        return Task.CompletedTask;
    }
}
