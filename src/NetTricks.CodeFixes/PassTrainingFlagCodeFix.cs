using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT5007: pass the module's mode, <c>training: training</c>, to functional dropout.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PassTrainingFlagCodeFix)), Shared]
public sealed class PassTrainingFlagCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FunctionalDropoutIgnoresEval);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } dropout)
                continue;
            FixHelpers.Register(context, diagnostic, "Pass training: training", (editor, _) =>
            {
                editor.ReplaceNode(dropout.ArgumentList, (current, _) => ((ArgumentListSyntax)current).AddArguments(
                    SyntaxFactory.Argument(SyntaxFactory.NameColon("training"), default, SyntaxFactory.IdentifierName("training"))));
                return Task.FromResult(true);
            });
        }
    }
}
