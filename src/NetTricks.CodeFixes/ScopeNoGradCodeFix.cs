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

/// <summary>NT8004: keep the gradient-mode guard until the end of the block (<c>using var noGrad = torch.no_grad();</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ScopeNoGradCodeFix)), Shared]
public sealed class ScopeNoGradCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoGradNotScoped);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax block } statement)
                continue;
            var name = "gradientMode";
            for (var i = 2; !model.LookupSymbols(statement.SpanStart, name: name).IsEmpty || block.DescendantTokens().Any(t => t.ValueText == name); i++)
                name = "gradientMode" + i;
            FixHelpers.Register(context, diagnostic, "Scope it with using (until the end of the block)", (editor, _) =>
            {
                var declaration = FixHelpers.UsingDeclaration(name, statement.Expression.WithoutTrivia()).WithTriviaFrom(statement);
                editor.ReplaceNode(statement, declaration);
                return Task.FromResult(true);
            });
        }
    }
}
