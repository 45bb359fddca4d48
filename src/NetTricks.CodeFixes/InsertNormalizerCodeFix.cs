using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;
using NetTricks.Analyzers.Rules;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT6001: normalise the feature column right before the trainer, <c>X.Append(trainer)</c> becoming
/// <c>X.Append(mlContext.Transforms.NormalizeMinMax("Features")).Append(trainer)</c> (same result type).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertNormalizerCodeFix)), Shared]
public sealed class InsertNormalizerCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LinearTrainerWithoutNormalization);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                !diagnostic.Properties.TryGetValue(LinearTrainerWithoutNormalizationAnalyzer.MlContext, out var mlContext) || string.IsNullOrEmpty(mlContext) ||
                !diagnostic.Properties.TryGetValue(LinearTrainerWithoutNormalizationAnalyzer.Column, out var column) || string.IsNullOrEmpty(column) ||
                FixHelpers.NodeAt(root, diagnostic, LinearTrainerWithoutNormalizationAnalyzer.AppendSpan)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not
                    { Expression: MemberAccessExpressionSyntax access } append ||
                FixProperties.ParseSpan(diagnostic.Properties, LinearTrainerWithoutNormalizationAnalyzer.AppendSpan) != append.Span)
                continue;
            FixHelpers.Register(context, diagnostic, "Normalize the features before the trainer (NormalizeMinMax)", (editor, _) =>
            {
                var normalizer = SyntaxFactory.ParseExpression($"{mlContext}.Transforms.NormalizeMinMax({column})");

                // X.Append(normalizer) repeats the layout of the original ".Append": the line break after X, the indented dot.
                var first = SyntaxFactory.InvocationExpression(
                        access.WithName(SyntaxFactory.IdentifierName("Append")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(normalizer))))
                    .WithTrailingTrivia(access.Expression.GetTrailingTrivia());
                editor.ReplaceNode(append, append.WithExpression(access.WithExpression(first)));
                return Task.FromResult(true);
            });
        }
    }
}
