using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>Helpers every NetTricks fix shares.</summary>
internal static class FixHelpers
{
    public static bool IsFixable(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(FixProperties.Fixable, out var value) && value == "true";

    /// <summary>Registers one code action that edits the diagnostic's document.</summary>
    public static void Register(CodeFixContext context, Diagnostic diagnostic, string title, System.Func<DocumentEditor, CancellationToken, Task<bool>> edit)
    {
        context.RegisterCodeFix(
            CodeAction.Create(
                title,
                async cancellationToken =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, cancellationToken).ConfigureAwait(false);
                    return await edit(editor, cancellationToken).ConfigureAwait(false) ? editor.GetChangedDocument() : context.Document;
                },
                equivalenceKey: title),
            diagnostic);
    }

    /// <summary>
    /// Registers one code action that may edit several documents of the solution (a model defined in one file and
    /// trained in another): <paramref name="edit"/> gets a document editor per document through the solution editor.
    /// </summary>
    public static void RegisterSolutionEdit(CodeFixContext context, Diagnostic diagnostic, string title, System.Func<SolutionEditor, CancellationToken, Task<bool>> edit)
    {
        context.RegisterCodeFix(
            CodeAction.Create(
                title,
                async cancellationToken =>
                {
                    var solution = context.Document.Project.Solution;
                    var editor = new SolutionEditor(solution);
                    return await edit(editor, cancellationToken).ConfigureAwait(false) ? editor.GetChangedSolution() : solution;
                },
                equivalenceKey: title),
            diagnostic);
    }

    /// <summary>A node the analyzer pointed at with a "start:length" property.</summary>
    public static SyntaxNode? NodeAt(SyntaxNode root, Diagnostic diagnostic, string key)
    {
        var span = FixProperties.ParseSpan(diagnostic.Properties, key);
        return span is null || !root.FullSpan.Contains(span.Value) ? null : root.FindNode(span.Value, getInnermostNodeForTie: true);
    }

    /// <summary>
    /// The name to write for a runtime type: its simple name with a <c>using</c> added, or <c>global::</c>-qualified
    /// when another type of that name is in scope. Null when the project does not reference the runtime.
    /// </summary>
    public static TypeSyntax? RuntimeTypeName(DocumentEditor editor, string typeName, int position)
    {
        var model = editor.SemanticModel;
        var runtimeType = model.Compilation.GetTypeByMetadataName("NetTricks." + typeName);
        if (runtimeType is null)
            return null;
        var visible = model.LookupNamespacesAndTypes(position, name: typeName);
        if (visible.Any(s => SymbolEqualityComparer.Default.Equals(s, runtimeType)))
            return SyntaxFactory.IdentifierName(typeName);
        if (visible.Length > 0)
            return SyntaxFactory.ParseTypeName("global::NetTricks." + typeName);
        AddUsing(editor, "NetTricks");
        return SyntaxFactory.IdentifierName(typeName);
    }

    private static void AddUsing(DocumentEditor editor, string namespaceName)
    {
        if (editor.OriginalRoot is not CompilationUnitSyntax unit || unit.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == namespaceName))
            return;
        editor.ReplaceNode(editor.OriginalRoot, (current, _) =>
        {
            var currentUnit = (CompilationUnitSyntax)current;
            if (currentUnit.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == namespaceName))
                return currentUnit;
            var usings = currentUnit.Usings;
            var endOfLine = usings.Count > 0 ? usings[0].GetTrailingTrivia() : SyntaxFactory.TriviaList(SyntaxFactory.ElasticLineFeed);
            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName)).WithTrailingTrivia(endOfLine);

            // Keep plain usings in the usual order (System first, then ordinal): after the last one that sorts before.
            static int Group(string? name) => name == "System" || name?.StartsWith("System.", System.StringComparison.Ordinal) == true ? 0 : 1;
            static int Compare(string? a, string b) => Group(a) != Group(b) ? Group(a) - Group(b) : string.CompareOrdinal(a, b);
            var index = 0;
            for (var i = 0; i < usings.Count; i++)
            {
                if (usings[i].Alias is null && usings[i].StaticKeyword.IsKind(SyntaxKind.None) && Compare(usings[i].Name?.ToString(), namespaceName) < 0)
                    index = i + 1;
            }

            return currentUnit.WithUsings(usings.Insert(index, directive));
        });
    }

    /// <summary>A TorchSharp member access written fully qualified, reduced by the simplifier to what is in scope.</summary>
    public static ExpressionSyntax Qualified(string text) =>
        SyntaxFactory.ParseExpression(text).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>Wraps an expression in parentheses the simplifier removes again where they are not needed.</summary>
    public static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
        SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithTriviaFrom(expression).WithAdditionalAnnotations(Simplifier.Annotation);

    public static ImmutableArray<string> SiteShapes(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(FixProperties.SiteShapes, out var shapes) && !string.IsNullOrEmpty(shapes)
            ? shapes!.Split(',').ToImmutableArray()
            : ImmutableArray<string>.Empty;

    /// <summary>The body of a for / foreach / while / do statement.</summary>
    public static StatementSyntax? LoopBody(StatementSyntax? loop) => loop switch
    {
        ForStatementSyntax f => f.Statement,
        CommonForEachStatementSyntax f => f.Statement,
        WhileStatementSyntax w => w.Statement,
        DoStatementSyntax d => d.Statement,
        _ => null,
    };

    /// <summary>The loop statement starting at a position the analyzer recorded (<see cref="FixProperties.LoopStart"/>).</summary>
    public static StatementSyntax? LoopAt(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(FixProperties.LoopStart, out var text) ||
            !int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var start) ||
            start < 0 || start >= root.FullSpan.End)
            return null;
        return root.FindToken(start).Parent?.AncestorsAndSelf().OfType<StatementSyntax>()
            .FirstOrDefault(s => s.SpanStart == start && s is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
    }

    /// <summary><c>using var name = value;</c>, formatted where it is inserted.</summary>
    public static LocalDeclarationStatementSyntax UsingDeclaration(string name, ExpressionSyntax value) =>
        SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(SyntaxFactory.IdentifierName("var"), SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(value)))))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword))
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>Sets an argument: replaces the value of an explicit one, or appends it as a named argument.</summary>
    public static void SetArgument(DocumentEditor editor, InvocationExpressionSyntax invocation, ArgumentSyntax? existing, string name, ExpressionSyntax value)
    {
        if (existing is not null)
            editor.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));
        else
            editor.ReplaceNode(invocation.ArgumentList, (current, _) => ((ArgumentListSyntax)current).AddArguments(
                SyntaxFactory.Argument(SyntaxFactory.NameColon(name), default, value)));
    }
}
