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

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            // The softmax is usually in the model's file, not in the loss call's: the action edits the solution.
            if (!FixHelpers.IsFixable(diagnostic) || !await ActivationSiteEdits.CanEditAllAsync(solution, diagnostic, useLogSoftmax: true, context.CancellationToken).ConfigureAwait(false))
                continue;
            FixHelpers.RegisterSolutionEdit(context, diagnostic, "Use LogSoftmax", (editor, cancellationToken) => ActivationSiteEdits.EditAllAsync(editor, diagnostic, useLogSoftmax: true, cancellationToken));
        }
    }
}
