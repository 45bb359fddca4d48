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

/// <summary>NT2004: the stack's <c>ReLU()</c> elements become <c>LeakyReLU()</c>, whose units cannot die.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseLeakyReluCodeFix)), Shared]
public sealed class UseLeakyReluCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DeadReluRisk);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } sequential)
                continue;

            // Only ReLU() calls written as elements (not nested in other expressions).
            var names = sequential.ArgumentList.Arguments
                .Select(a => a.Expression is TupleExpressionSyntax tuple && tuple.Arguments.Count == 2 ? tuple.Arguments[1].Expression : a.Expression)
                .OfType<InvocationExpressionSyntax>()
                // LeakyReLU's first parameter is the slope: only ReLU() or ReLU(inplace: ...) keep their meaning.
                .Where(i => i.ArgumentList.Arguments.All(a => a.NameColon?.Name.Identifier.ValueText == "inplace"))
                .Select(i => i.Expression switch { MemberAccessExpressionSyntax m => m.Name, SimpleNameSyntax s => s, _ => null })
                .Where(n => n?.Identifier.ValueText == "ReLU")
                .Select(n => n!)
                .ToList();
            if (names.Count == 0)
                continue;
            FixHelpers.Register(context, diagnostic, "Use LeakyReLU", (editor, _) =>
            {
                foreach (var name in names)
                    editor.ReplaceNode(name, name.WithIdentifier(SyntaxFactory.Identifier("LeakyReLU").WithTriviaFrom(name.Identifier)));
                return Task.FromResult(true);
            });
        }
    }
}
