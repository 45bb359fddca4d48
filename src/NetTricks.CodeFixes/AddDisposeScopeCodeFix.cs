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

/// <summary>NT8001: open a dispose scope at the start of each iteration (<c>using var scope = torch.NewDisposeScope();</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddDisposeScopeCodeFix)), Shared]
public sealed class AddDisposeScopeCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TrainingLoopWithoutDisposeScope);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic))
                continue;
            var loop = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<StatementSyntax>()
                .FirstOrDefault(s => s is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
            var body = FixHelpers.LoopBody(loop) as BlockSyntax;
            if (body is null)
                continue;
            var name = body.DescendantTokens().Any(t => t.ValueText == "scope") || !model.LookupSymbols(body.SpanStart, name: "scope").IsEmpty ? "disposeScope" : "scope";
            FixHelpers.Register(context, diagnostic, "Dispose each iteration's tensors (NewDisposeScope)", (editor, _) =>
            {
                var statement = FixHelpers.UsingDeclaration(name, SyntaxFactory.InvocationExpression(FixHelpers.Qualified("TorchSharp.torch.NewDisposeScope")));
                editor.ReplaceNode(body, (current, _) => ((BlockSyntax)current).WithStatements(((BlockSyntax)current).Statements.Insert(0, statement)));
                return Task.FromResult(true);
            });
        }
    }
}
