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

/// <summary>NT4002: clip the recurrent model's gradient norm right after <c>backward()</c> (before <c>step()</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertGradientClippingCodeFix)), Shared]
public sealed class InsertGradientClippingCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RecurrentModelWithoutClipping);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) || !diagnostic.Properties.TryGetValue(FixProperties.Model, out var model) || model is null)
                continue;
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax } statement)
                continue;
            FixHelpers.Register(context, diagnostic, "Clip the gradient norm after backward()", (editor, _) =>
            {
                var clip = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                        FixHelpers.Qualified("TorchSharp.torch.nn.utils.clip_grad_norm_"),
                        SyntaxFactory.ParseArgumentList($"({model}.parameters(), max_norm: 1.0)")))
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                editor.InsertAfter(statement, clip);
                return Task.FromResult(true);
            });
        }
    }
}
