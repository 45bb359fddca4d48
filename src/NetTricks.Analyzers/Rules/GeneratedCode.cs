using System;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// Keeps diagnostics out of code marked <c>[GeneratedCode]</c>. The analyzers configure
/// <c>GeneratedCodeAnalysisFlags.ReportDiagnostics</c> (without <c>Analyze</c>): the driver still skips generated
/// files (<c>*.g.cs</c>, <c>// &lt;auto-generated&gt;</c>) before any action runs, but no longer checks each
/// diagnostic for the attribute, which costs a walk of every token of the file and binding its attributes the first
/// time anything is reported in it. This check reads only the declarations around the one reported node.
/// </summary>
internal static class GeneratedCode
{
    /// <summary>True when the location is inside a type or member marked <c>[GeneratedCode]</c> (<see cref="TreeReporter"/> drops those).</summary>
    public static bool IsMarked(Location location)
    {
        if (!location.IsInSource || !MayNameTheAttribute(location.SourceTree!) ||
            location.SourceTree!.GetRoot().FindNode(location.SourceSpan, getInnermostNodeForTie: true) is not { } node)
            return false;
        for (var current = node; current is not null; current = current.Parent)
        {
            var attributeLists = current switch
            {
                MemberDeclarationSyntax member => member.AttributeLists,
                AccessorDeclarationSyntax accessor => accessor.AttributeLists,
                _ => default,
            };
            foreach (var list in attributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (IsGeneratedCodeName(attribute.Name))
                        return true;
                }
            }
        }

        return false;
    }

    // Most files never name the attribute: one search of a file's text, the first time something is reported in it,
    // spares finding the node and reading the declarations around it for every report. An identifier may be spelled
    // with a Unicode escape, so text with one is read node by node.
    private static readonly ConditionalWeakTable<SyntaxTree, object> TextNamesTheAttribute = new();
    private static readonly object Yes = new(), No = new();

    private static bool MayNameTheAttribute(SyntaxTree tree) =>
        TextNamesTheAttribute.GetValue(tree, static t =>
        {
            var text = t.GetText().ToString();
            return text.IndexOf("GeneratedCode", StringComparison.Ordinal) >= 0 || text.IndexOf("\\u", StringComparison.OrdinalIgnoreCase) >= 0 ? Yes : No;
        }) == Yes;

    // By name, as written: [GeneratedCode], [GeneratedCodeAttribute], [System.CodeDom.Compiler.GeneratedCode(...)], [global::...].
    private static bool IsGeneratedCodeName(NameSyntax name)
    {
        var simple = name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax plain => plain.Identifier.ValueText,
            _ => null,
        };
        return simple is "GeneratedCode" or "GeneratedCodeAttribute";
    }
}
