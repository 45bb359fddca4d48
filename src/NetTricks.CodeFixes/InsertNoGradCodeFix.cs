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

/// <summary>NT5005: switch autograd off for the whole evaluation method (<c>using var gradientMode = torch.no_grad();</c> first).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertNoGradCodeFix)), Shared]
public sealed class InsertNoGradCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.InferenceWithoutNoGrad);

    // Several model calls of one method make the same edit: Fix All applies identical edits once (one guard per method).
    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { Body: { } body })
                continue;
            var name = "gradientMode";
            for (var i = 2; body.DescendantTokens().Any(t => t.ValueText == name) || !model.LookupSymbols(body.SpanStart, name: name).IsEmpty; i++)
                name = "gradientMode" + i;
            FixHelpers.Register(context, diagnostic, "Evaluate under torch.no_grad()", (editor, _) =>
            {
                var guard = FixHelpers.UsingDeclaration(name, SyntaxFactory.InvocationExpression(FixHelpers.Qualified("TorchSharp.torch.no_grad")));
                editor.ReplaceNode(body, (current, _) => ((BlockSyntax)current).WithStatements(((BlockSyntax)current).Statements.Insert(0, guard)));
                return Task.FromResult(true);
            });
        }
    }
}
