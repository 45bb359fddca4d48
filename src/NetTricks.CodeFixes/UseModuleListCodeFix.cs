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

/// <summary>NT8003: hold the layers in a <c>ModuleList&lt;T&gt;</c>, which RegisterComponents() registers.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseModuleListCodeFix)), Shared]
public sealed class UseModuleListCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SubmodulesNotRegistered);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<VariableDeclaratorSyntax>() is not { Parent: VariableDeclarationSyntax { Type: GenericNameSyntax listType } declaration } declarator ||
                declaration.Variables.Count != 1)
                continue;
            FixHelpers.Register(context, diagnostic, "Use ModuleList<T>", (editor, _) =>
            {
                var moduleList = SyntaxFactory.GenericName(SyntaxFactory.Identifier("ModuleList"), listType.TypeArgumentList);
                var qualified = SyntaxFactory.QualifiedName(SyntaxFactory.ParseName("TorchSharp.Modules"), moduleList).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation);
                editor.ReplaceNode(listType, qualified.WithTriviaFrom(listType));
                if (declarator.Initializer?.Value is ObjectCreationExpressionSyntax { Type: GenericNameSyntax created } && created.Identifier.ValueText == "List")
                    editor.ReplaceNode(created, qualified.WithTriviaFrom(created));
                return Task.FromResult(true);
            });
        }
    }
}
