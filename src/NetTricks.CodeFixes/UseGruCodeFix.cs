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

/// <summary>
/// NT4005: <c>RNN(...)</c> → <c>GRU(...)</c> (and <c>RNNCell</c> → <c>GRUCell</c>), with the declared type of the field or
/// local that holds it; offered only for a creation stored in its own declaration typed <c>var</c> or <c>RNN</c>/<c>RNNCell</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseGruCodeFix)), Shared]
public sealed class UseGruCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.VanillaRnn);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } creation)
                continue;
            var name = creation.Expression switch { MemberAccessExpressionSyntax m => m.Name, SimpleNameSyntax s => s, _ => null };
            if (name?.Identifier.ValueText is not ("RNN" or "RNNCell"))
                continue;
            var gru = name.Identifier.ValueText == "RNN" ? "GRU" : "GRUCell";

            // The declaration that stores it: `RNN rnn = RNN(...)` must change its type too; other explicit types (RNN fields
            // assigned in a constructor) are out of this fix's reach.
            var declaredType = creation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: var type } } } ? type : null;
            // Only a creation stored in its own declaration (`var` or the RNN type itself); returned, passed or assigned
            // creations would change a type that other code may depend on.
            if (declaredType is null || (!declaredType.IsVar && declaredType is not SimpleNameSyntax { Identifier.ValueText: "RNN" or "RNNCell" }))
                continue;
            FixHelpers.Register(context, diagnostic, $"Use {gru}", (editor, _) =>
            {
                editor.ReplaceNode(name, name.WithIdentifier(SyntaxFactory.Identifier(gru).WithTriviaFrom(name.Identifier)));
                if (declaredType is SimpleNameSyntax typeName && !declaredType.IsVar)
                    editor.ReplaceNode(typeName, SyntaxFactory.IdentifierName(gru).WithTriviaFrom(typeName));
                return Task.FromResult(true);
            });
        }
    }
}
