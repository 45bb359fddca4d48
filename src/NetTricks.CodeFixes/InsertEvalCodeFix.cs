using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT5003: call <c>model.eval()</c> before the evaluation statement; inside a training loop's iteration (inline
/// validation in the epoch loop) also call <c>model.train()</c> after it, so training resumes in train mode.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertEvalCodeFix)), Shared]
public sealed class InsertEvalCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.EvaluationInTrainingMode);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || !diagnostic.Properties.TryGetValue(FixProperties.Model, out var model) || model is null ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>(s => s.Parent is BlockSyntax) is not { } statement)
                continue;
            // Inline validation in a training loop's iteration: eval() before the evaluation statement of the loop body,
            // train() right after it, so the rest of training runs in train mode again.
            if (FixHelpers.LoopBody(FixHelpers.LoopAt(root, diagnostic)) is BlockSyntax loopBody &&
                statement.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == loopBody) is { } evaluation)
            {
                FixHelpers.Register(context, diagnostic, "Call eval() before evaluating and train() after it", (editor, _) =>
                {
                    editor.InsertBefore(evaluation, SyntaxFactory.ParseStatement($"{model}.eval();")
                        .WithLeadingTrivia(evaluation.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation));
                    editor.InsertAfter(evaluation, SyntaxFactory.ParseStatement($"{model}.train();")
                        .WithLeadingTrivia(evaluation.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().Take(1))
                        .WithTrailingTrivia(evaluation.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
                    return Task.FromResult(true);
                });
                continue;
            }

            FixHelpers.Register(context, diagnostic, "Call eval() before evaluating", (editor, _) =>
            {
                editor.InsertBefore(statement, SyntaxFactory.ParseStatement($"{model}.eval();")
                    .WithLeadingTrivia(statement.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation));
                return Task.FromResult(true);
            });
        }
    }
}
