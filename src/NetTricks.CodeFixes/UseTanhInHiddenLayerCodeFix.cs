using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT2001: a hidden sigmoid becomes tanh (<c>Sigmoid()</c> → <c>Tanh()</c>, <c>x.sigmoid()</c> → <c>x.tanh()</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseTanhInHiddenLayerCodeFix)), Shared]
public sealed class UseTanhInHiddenLayerCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SigmoidInHiddenLayers);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || !FixHelpers.IsFixable(diagnostic))
                continue;
            var name = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
                .Select(i => i.Expression switch { MemberAccessExpressionSyntax m => m.Name, SimpleNameSyntax s => s, _ => null })
                .FirstOrDefault(n => n?.Identifier.ValueText is "sigmoid" or "Sigmoid");
            if (name is null)
                continue;
            var replacement = name.Identifier.ValueText == "Sigmoid" ? "Tanh" : "tanh";

            // Only where the tanh twin exists on the same type (torch.sigmoid → torch.tanh, functional.sigmoid → ...).
            if (model.GetSymbolInfo(name, context.CancellationToken).Symbol?.ContainingType is { } container && container.GetMembers(replacement).IsEmpty)
                continue;
            FixHelpers.Register(context, diagnostic, "Use tanh in the hidden layer", (editor, _) =>
            {
                editor.ReplaceNode(name, name.WithIdentifier(SyntaxFactory.Identifier(replacement).WithTriviaFrom(name.Identifier)));
                return Task.FromResult(true);
            });
        }
    }
}
