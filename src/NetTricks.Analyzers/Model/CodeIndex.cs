using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// Syntax-only index of invocations and object creations by the simple name they call, over all trees.
/// Building it parses nothing new and binds nothing; questions then bind only the candidates with the right name.
/// </summary>
internal sealed class CodeIndex
{
    private readonly Dictionary<string, ImmutableArray<SyntaxNode>> _callsByName;

    private CodeIndex(Dictionary<string, ImmutableArray<SyntaxNode>> callsByName) => _callsByName = callsByName;

    public static CodeIndex Build(Compilation compilation)
    {
        var builders = new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(System.StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                string? name = node switch
                {
                    InvocationExpressionSyntax invocation => SimpleName(invocation.Expression),
                    ObjectCreationExpressionSyntax creation => SimpleName(creation.Type),
                    _ => null,
                };
                if (name is null)
                    continue;
                if (!builders.TryGetValue(name, out var list))
                    builders[name] = list = ImmutableArray.CreateBuilder<SyntaxNode>();
                list.Add(node);
            }
        }

        var result = new Dictionary<string, ImmutableArray<SyntaxNode>>(builders.Count, System.StringComparer.Ordinal);
        foreach (var pair in builders)
            result[pair.Key] = pair.Value.ToImmutable();
        return new CodeIndex(result);
    }

    public ImmutableArray<SyntaxNode> CallsNamed(string name) =>
        _callsByName.TryGetValue(name, out var nodes) ? nodes : ImmutableArray<SyntaxNode>.Empty;

    public static string? SimpleName(SyntaxNode expression) => expression switch
    {
        IdentifierNameSyntax id => id.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };
}
