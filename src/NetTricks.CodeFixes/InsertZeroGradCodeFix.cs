using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT3002: insert <c>optimizer.zero_grad();</c> before <c>backward()</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertZeroGradCodeFix)), Shared]
public sealed class InsertZeroGradCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingZeroGrad);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) || !diagnostic.Properties.TryGetValue(FixProperties.Optimizer, out var optimizer) || optimizer is null)
                continue;
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax } statement)
                continue;
            FixHelpers.Register(context, diagnostic, "Call zero_grad() before backward()", (editor, _) =>
            {
                var zeroGrad = SyntaxFactory.ParseStatement($"{optimizer}.zero_grad();")
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                editor.InsertBefore(statement, zeroGrad);
                return Task.FromResult(true);
            });
        }
    }
}
