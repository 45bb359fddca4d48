using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT5004: call <c>model.train()</c> at the start of each epoch.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertTrainCodeFix)), Shared]
public sealed class InsertTrainCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TrainingResumesInEvalMode);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) || !diagnostic.Properties.TryGetValue(FixProperties.Model, out var model) || model is null)
                continue;
            var body = FixHelpers.LoopBody(FixHelpers.LoopAt(root, diagnostic));
            if (body is not BlockSyntax block)
                continue;
            FixHelpers.Register(context, diagnostic, "Call train() at the start of each epoch", (editor, _) =>
            {
                var train = SyntaxFactory.ParseStatement($"{model}.train();").WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(block, (current, _) => ((BlockSyntax)current).WithStatements(((BlockSyntax)current).Statements.Insert(0, train)));
                return Task.FromResult(true);
            });
        }
    }
}
