using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// Syntax-only index of invocations and object creations by the simple name they call. Building it parses nothing
/// new and binds nothing; questions then bind only the candidates with the right name. The per-tree part is kept
/// per syntax tree, so a tree the user did not edit is not walked again for the next compilation (the IDE makes
/// one per keystroke); the compilation-wide part is merged from those on first need.
/// </summary>
internal sealed class CodeIndex
{
    private readonly Compilation _compilation;
    private Dictionary<string, ImmutableArray<SyntaxNode>>? _merged;

    public CodeIndex(Compilation compilation) => _compilation = compilation;

    /// <summary>Every call of that simple name in the compilation, in tree order, from the trees' indices merged once.</summary>
    public ImmutableArray<SyntaxNode> CallsNamed(string name) =>
        Merged().TryGetValue(name, out var nodes) ? nodes : ImmutableArray<SyntaxNode>.Empty;

    /// <summary>Every key of the compilation's trees (call names and the other keys of <see cref="TreeIndex"/>).</summary>
    public IEnumerable<string> Names => Merged().Keys;

    // One pass over every tree's keys on first need: the rules ask for hundreds of names (every method whose callers
    // they follow), and looking each one up in every tree's index cost more than merging them all once.
    private Dictionary<string, ImmutableArray<SyntaxNode>> Merged()
    {
        if (Volatile.Read(ref _merged) is { } merged)
            return merged;
        var builders = new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(System.StringComparer.Ordinal);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            foreach (var pair in TreeIndex.For(tree).ByName)
            {
                if (!builders.TryGetValue(pair.Key, out var builder))
                    builders[pair.Key] = builder = ImmutableArray.CreateBuilder<SyntaxNode>(pair.Value.Length);
                builder.AddRange(pair.Value);
            }
        }

        var result = new Dictionary<string, ImmutableArray<SyntaxNode>>(builders.Count, System.StringComparer.Ordinal);
        foreach (var pair in builders)
            result[pair.Key] = pair.Value.Count == pair.Value.Capacity ? pair.Value.MoveToImmutable() : pair.Value.ToImmutable();
        Interlocked.CompareExchange(ref _merged, result, null);
        return _merged!;
    }

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

/// <summary>
/// The calls of one syntax tree by simple name, and the few other constructs rules start from (loops, <c>+=</c>,
/// type and method declarations, assignments) under keys no identifier can take.
/// </summary>
internal sealed class TreeIndex
{
    /// <summary>The key of target-typed object creations, whose type the syntax does not name.</summary>
    public const string ImplicitCreation = "new()";

    /// <summary>Loop statements (for, foreach, while, do).</summary>
    public const string Loop = "(loop)";

    /// <summary>Compound <c>+=</c> assignments.</summary>
    public const string AddAssignment = "+=";

    /// <summary>Class, struct and record declarations.</summary>
    public const string TypeDeclaration = "(type)";

    /// <summary>Method declarations are filed under this prefix and their name (<c>(def)forward</c>).</summary>
    public const string MethodPrefix = "(def)";

    /// <summary>Assignments (simple and compound) are filed under this prefix and the simple name of what they assign (<c>=weight</c>).</summary>
    public const string AssignmentPrefix = "=";

    // Keyed by the immutable tree: no compilation state, and an unchanged tree keeps its index across compilations.
    private static readonly ConditionalWeakTable<SyntaxTree, TreeIndex> Indices = new();

    private TreeIndex(Dictionary<string, ImmutableArray<SyntaxNode>> byName) => ByName = byName;

    public Dictionary<string, ImmutableArray<SyntaxNode>> ByName { get; }

    public static TreeIndex For(SyntaxTree tree) => Indices.GetValue(tree, Build);

    public ImmutableArray<SyntaxNode> CallsNamed(string name) =>
        ByName.TryGetValue(name, out var nodes) ? nodes : ImmutableArray<SyntaxNode>.Empty;

    // The working dictionary and its builders, kept per thread and reused for the next file: a file's index then
    // allocates only what it keeps (one array per key and the dictionary holding them).
    [System.ThreadStatic]
    private static Dictionary<string, ImmutableArray<SyntaxNode>.Builder>? s_builders;

    [System.ThreadStatic]
    private static Stack<ImmutableArray<SyntaxNode>.Builder>? s_spareBuilders;

    private static TreeIndex Build(SyntaxTree tree)
    {
        var builders = s_builders ?? new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(System.StringComparer.Ordinal);
        var spare = s_spareBuilders ?? new Stack<ImmutableArray<SyntaxNode>.Builder>();
        s_builders = null; // taken: a nested build on this thread (none today) would get fresh ones
        s_spareBuilders = null;
        void Add(string? key, SyntaxNode node)
        {
            if (key is null)
                return;
            if (!builders.TryGetValue(key, out var list))
                builders[key] = list = spare.Count > 0 ? spare.Pop() : ImmutableArray.CreateBuilder<SyntaxNode>();
            list.Add(node);
        }

        // An explicit stack of child enumerators instead of DescendantNodes: no iterator or predicate delegate per node
        // (this runs for every node of every file), and no recursion, whose depth would follow the code's nesting.
        var enumerators = s_enumerators ?? new ChildSyntaxList.Enumerator[32];
        s_enumerators = null;
        var depth = 0;
        enumerators[depth++] = tree.GetRoot().ChildNodesAndTokens().GetEnumerator();
        while (depth > 0)
        {
            if (!enumerators[depth - 1].MoveNext())
            {
                depth--;
                continue;
            }

            if (enumerators[depth - 1].Current.AsNode() is not { } node)
                continue;
            if (DescendInto(node))
            {
                if (depth == enumerators.Length)
                    System.Array.Resize(ref enumerators, depth * 2);
                enumerators[depth++] = node.ChildNodesAndTokens().GetEnumerator();
            }

            // Dispatch on the kind (an int) rather than on the node's type.
            switch ((SyntaxKind)node.RawKind)
            {
                case SyntaxKind.InvocationExpression:
                    Add(CodeIndex.SimpleName(((InvocationExpressionSyntax)node).Expression), node);
                    break;
                case SyntaxKind.ObjectCreationExpression:
                    Add(CodeIndex.SimpleName(((ObjectCreationExpressionSyntax)node).Type), node);
                    break;
                case SyntaxKind.ImplicitObjectCreationExpression:
                    Add(ImplicitCreation, node);
                    break;
                case SyntaxKind.ForStatement or SyntaxKind.ForEachStatement or SyntaxKind.ForEachVariableStatement or SyntaxKind.WhileStatement or SyntaxKind.DoStatement:
                    Add(Loop, node);
                    break;
                case SyntaxKind.SimpleAssignmentExpression or SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression
                    or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression or SyntaxKind.ModuloAssignmentExpression
                    or SyntaxKind.AndAssignmentExpression or SyntaxKind.ExclusiveOrAssignmentExpression or SyntaxKind.OrAssignmentExpression
                    or SyntaxKind.LeftShiftAssignmentExpression or SyntaxKind.RightShiftAssignmentExpression or SyntaxKind.UnsignedRightShiftAssignmentExpression
                    or SyntaxKind.CoalesceAssignmentExpression:
                    if (node.RawKind == (int)SyntaxKind.AddAssignmentExpression)
                        Add(AddAssignment, node);
                    if (CodeIndex.SimpleName(((AssignmentExpressionSyntax)node).Left) is { } assigned)
                        Add(AssignmentPrefix + assigned, node);
                    break;
                case SyntaxKind.ClassDeclaration or SyntaxKind.StructDeclaration or SyntaxKind.RecordDeclaration or SyntaxKind.RecordStructDeclaration:
                    Add(TypeDeclaration, node);
                    break;
                case SyntaxKind.MethodDeclaration:
                    Add(MethodPrefix + ((MethodDeclarationSyntax)node).Identifier.ValueText, node);
                    break;
            }
        }

        System.Array.Clear(enumerators, 0, enumerators.Length); // keeps no reference to this tree's nodes
        s_enumerators = enumerators;

        var result = new Dictionary<string, ImmutableArray<SyntaxNode>>(builders.Count, System.StringComparer.Ordinal);
        foreach (var pair in builders)
        {
            result[pair.Key] = pair.Value.ToImmutable();
            pair.Value.Clear();
            spare.Push(pair.Value);
        }

        builders.Clear();
        s_builders = builders;
        s_spareBuilders = spare;
        return new TreeIndex(result);
    }

    [System.ThreadStatic]
    private static ChildSyntaxList.Enumerator[]? s_enumerators;

    // Usings, names, attribute lists and parameter lists hold no invocation (at most a nameof): don't walk them.
    private static bool DescendInto(SyntaxNode node) => (SyntaxKind)node.RawKind is not (SyntaxKind.UsingDirective or SyntaxKind.QualifiedName
        or SyntaxKind.AttributeList or SyntaxKind.ParameterList or SyntaxKind.TypeParameterList or SyntaxKind.IdentifierName or SyntaxKind.GenericName or SyntaxKind.PredefinedType);
}
