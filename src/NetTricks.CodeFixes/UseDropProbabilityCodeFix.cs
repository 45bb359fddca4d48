using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT5002: a keep-probability p (0.9 &lt;= p &lt; 1) becomes the drop probability 1 - p.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDropProbabilityCodeFix)), Shared]
public sealed class UseDropProbabilityCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SuspiciousDropoutRate);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic) ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan) is not ExpressionSyntax value ||
                model.GetConstantValue(value, context.CancellationToken) is not { HasValue: true, Value: { } constant })
                continue;

            // Decimal arithmetic keeps 1 - 0.9 at 0.1 (double would print 0.09999999999999998).
            var drop = 1m - System.Convert.ToDecimal(constant, CultureInfo.InvariantCulture);
            FixHelpers.Register(context, diagnostic, "Use the drop probability 1 - p", (editor, _) =>
            {
                editor.ReplaceNode(value, SyntaxFactory.ParseExpression(drop.ToString(CultureInfo.InvariantCulture)).WithTriviaFrom(value));
                return Task.FromResult(true);
            });
        }
    }
}
