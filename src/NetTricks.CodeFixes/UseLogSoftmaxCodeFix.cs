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

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || !ActivationSiteEdits.CanEditAll(root, semanticModel, diagnostic, useLogSoftmax: true))
                continue;
            FixHelpers.Register(context, diagnostic, "Use LogSoftmax", (editor, _) => Task.FromResult(ActivationSiteEdits.EditAll(editor, root, diagnostic, useLogSoftmax: true)));
        }
    }
}
