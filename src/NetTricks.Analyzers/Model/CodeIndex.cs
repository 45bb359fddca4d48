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
    private readonly ImmutableArray<SyntaxTree> _trees;
    private Dictionary<string, Entry>? _merged;

    public CodeIndex(Compilation compilation) => _trees = compilation.SyntaxTrees.ToImmutableArray();

    /// <summary>Every call of that simple name in the compilation, in tree order, from the trees' indices merged once.</summary>
    public ImmutableArray<SyntaxNode> CallsNamed(string name) =>
        Merged().TryGetValue(name, out var entry) ? entry.Flat() : ImmutableArray<SyntaxNode>.Empty;

    /// <summary>
    /// The same calls as <see cref="CallsNamed"/>, as each tree's own array with its tree, in tree order: for grouping
    /// by tree without reading every node's tree.
    /// </summary>
    public IReadOnlyList<(SyntaxTree Tree, ImmutableArray<SyntaxNode> Nodes)> CallsNamedByTree(string name) =>
        Merged().TryGetValue(name, out var entry) ? entry.ByTree : System.Array.Empty<(SyntaxTree, ImmutableArray<SyntaxNode>)>();

    /// <summary>Every key of the compilation's trees (call names and the other keys of <see cref="TreeIndex"/>).</summary>
    public IEnumerable<string> Names => Merged().Keys;

    // One pass over every tree's keys on first need: the rules ask for hundreds of names (every method whose callers
    // they follow), and looking each one up in every tree's index cost more than merging them all once. The merge
    // only files each tree's arrays under their key; a key's nodes are copied into one array when first asked for.
    // Under concurrent analysis (csc's default) the first callbacks of several files all need it at once: each such
    // thread indexes the trees no other thread has taken yet, then one of them merges while the others wait for it.
    // Before, each thread built the whole index (every analysis of `training` indexed about a third of its trees twice).
    // A thread computing a model fact (Fact<T>) may wait here; merging asks no fact, so no two threads wait for each other.
    private Dictionary<string, Entry> Merged()
    {
        if (Volatile.Read(ref _merged) is { } merged)
            return merged;
        var trees = _trees;
        for (var next = Interlocked.Increment(ref _nextTreeToIndex) - 1; next < trees.Length; next = Interlocked.Increment(ref _nextTreeToIndex) - 1)
            TreeIndex.For(trees[next]);
        lock (_gate)
            return _merged ??= Merge(_trees);
    }

    private readonly object _gate = new();
    private int _nextTreeToIndex;

    private static Dictionary<string, Entry> Merge(ImmutableArray<SyntaxTree> trees)
    {
        var entries = new Dictionary<string, Entry>(System.StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            foreach (var pair in TreeIndex.For(tree).ByName)
            {
                if (!entries.TryGetValue(pair.Key, out var entry))
                    entries[pair.Key] = entry = new Entry();
                entry.ByTree.Add((tree, pair.Value));
            }
        }

        return entries;
    }

    /// <summary>One key's nodes: the trees' arrays, and their concatenation once asked for.</summary>
    private sealed class Entry
    {
        public readonly List<(SyntaxTree Tree, ImmutableArray<SyntaxNode> Nodes)> ByTree = new(1);
        private ImmutableArray<SyntaxNode> _flat;

        public ImmutableArray<SyntaxNode> Flat()
        {
            if (!_flat.IsDefault)
                return _flat;
            ImmutableArray<SyntaxNode> flat;
            if (ByTree.Count == 1)
            {
                flat = ByTree[0].Nodes;
            }
            else
            {
                var count = 0;
                foreach (var part in ByTree)
                    count += part.Nodes.Length;
                var builder = ImmutableArray.CreateBuilder<SyntaxNode>(count);
                foreach (var part in ByTree)
                    builder.AddRange(part.Nodes);
                flat = builder.MoveToImmutable();
            }

            // Threads of a concurrent analysis may both concatenate; the first published is kept.
            ImmutableInterlocked.InterlockedInitialize(ref _flat, flat);
            return _flat;
        }
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

        // An explicit stack of nodes (children pushed last first, so they come off in tree order) instead of
        // DescendantNodes: no iterator or predicate delegate per node, and no recursion, whose depth would follow the
        // code's nesting. The most frequent kinds push only the children that can hold a key, read through their
        // typed properties: their tokens and names are never enumerated (see PushChildren).
        var walk = new NodeStack(s_stack ?? new Slot[64]);
        s_stack = null;
        walk.Push(tree.GetRoot());
        while (walk.Count > 0)
        {
            var node = walk.Pop();
            PushChildren(node, ref walk);

            var (key, secondKey) = KeysOf(node);
            Add(key, node);
            Add(secondKey, node);
        }

        s_stack = walk.Release();

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
    private static Slot[]? s_stack;

    /// <summary>
    /// The keys a node is filed under (none, one, or two for <c>+=</c>): the simple name an invocation or object
    /// creation calls, or the key of the construct. Dispatches on the kind (an int) rather than on the node's type.
    /// </summary>
    internal static (string? Key, string? SecondKey) KeysOf(SyntaxNode node)
    {
        switch ((SyntaxKind)node.RawKind)
        {
            case SyntaxKind.InvocationExpression:
                return (CodeIndex.SimpleName(((InvocationExpressionSyntax)node).Expression), null);
            case SyntaxKind.ObjectCreationExpression:
                return (CodeIndex.SimpleName(((ObjectCreationExpressionSyntax)node).Type), null);
            case SyntaxKind.ImplicitObjectCreationExpression:
                return (ImplicitCreation, null);
            case SyntaxKind.ForStatement or SyntaxKind.ForEachStatement or SyntaxKind.ForEachVariableStatement or SyntaxKind.WhileStatement or SyntaxKind.DoStatement:
                return (Loop, null);
            case SyntaxKind.SimpleAssignmentExpression or SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression
                or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression or SyntaxKind.ModuloAssignmentExpression
                or SyntaxKind.AndAssignmentExpression or SyntaxKind.ExclusiveOrAssignmentExpression or SyntaxKind.OrAssignmentExpression
                or SyntaxKind.LeftShiftAssignmentExpression or SyntaxKind.RightShiftAssignmentExpression or SyntaxKind.UnsignedRightShiftAssignmentExpression
                or SyntaxKind.CoalesceAssignmentExpression:
                var assigned = CodeIndex.SimpleName(((AssignmentExpressionSyntax)node).Left) is { } name ? AssignmentPrefix + name : null;
                return node.RawKind == (int)SyntaxKind.AddAssignmentExpression ? (AddAssignment, assigned) : (assigned, null);
            case SyntaxKind.ClassDeclaration or SyntaxKind.StructDeclaration or SyntaxKind.RecordDeclaration or SyntaxKind.RecordStructDeclaration:
                return (TypeDeclaration, null);
            case SyntaxKind.MethodDeclaration:
                return (MethodPrefix + ((MethodDeclarationSyntax)node).Identifier.ValueText, null);
            default:
                return (null, null);
        }
    }

    /// <summary>
    /// What the index never walks into, by design: usings, attribute lists and parameter lists (type and method)
    /// hold no invocation, at most a nameof.
    /// </summary>
    internal static bool IsNotWalked(SyntaxKind kind) => kind is SyntaxKind.UsingDirective or SyntaxKind.AttributeList
        or SyntaxKind.ParameterList or SyntaxKind.TypeParameterList;

    /// <summary>
    /// Pushes the children of a node that may hold a key, last first. The kinds that make up most of a file's nodes
    /// (calls, member accesses, arguments, declarations, blocks) go through their typed properties; the others
    /// through the generic list of children and tokens. <see cref="NodeStack.Push"/> drops the nodes that hold no key.
    /// </summary>
    private static void PushChildren(SyntaxNode node, ref NodeStack walk)
    {
        switch ((SyntaxKind)node.RawKind)
        {
            case SyntaxKind.InvocationExpression:
                var invocation = (InvocationExpressionSyntax)node;
                PushArguments(invocation.ArgumentList.Arguments, ref walk);
                walk.Push(invocation.Expression); // a member access is pushed as its receiver
                return;
            case SyntaxKind.ArgumentList:
                PushArguments(((ArgumentListSyntax)node).Arguments, ref walk);
                return;
            case SyntaxKind.BracketedArgumentList:
                PushArguments(((BracketedArgumentListSyntax)node).Arguments, ref walk);
                return;
            case SyntaxKind.Argument:
                walk.Push(((ArgumentSyntax)node).Expression);
                return;
            case SyntaxKind.ExpressionStatement or SyntaxKind.LocalDeclarationStatement or SyntaxKind.ReturnStatement:
                PushStatement((StatementSyntax)node, ref walk);
                return;
            case SyntaxKind.VariableDeclaration:
                PushDeclaration((VariableDeclarationSyntax)node, ref walk);
                return;
            case SyntaxKind.VariableDeclarator:
                PushDeclarator((VariableDeclaratorSyntax)node, ref walk);
                return;
            case SyntaxKind.EqualsValueClause:
                walk.Push(((EqualsValueClauseSyntax)node).Value);
                return;
            case SyntaxKind.Block:
                PushAll(((BlockSyntax)node).Statements, ref walk);
                return;
            case SyntaxKind.ArrowExpressionClause:
                walk.Push(((ArrowExpressionClauseSyntax)node).Expression);
                return;
            case SyntaxKind.ObjectCreationExpression:
                var creation = (ObjectCreationExpressionSyntax)node;
                walk.Push(creation.Initializer);
                walk.Push(creation.ArgumentList);
                walk.Push(creation.Type);
                return;
            case SyntaxKind.ElementAccessExpression:
                var elementAccess = (ElementAccessExpressionSyntax)node;
                PushArguments(elementAccess.ArgumentList.Arguments, ref walk);
                walk.Push(elementAccess.Expression);
                return;
            case SyntaxKind.MethodDeclaration:
                var method = (MethodDeclarationSyntax)node;
                walk.Push(method.ExpressionBody);
                walk.Push(method.Body);
                walk.Push(method.ReturnType);
                return;
            case SyntaxKind.FieldDeclaration:
                PushDeclaration(((FieldDeclarationSyntax)node).Declaration, ref walk);
                return;
            case SyntaxKind.PropertyDeclaration:
                var property = (PropertyDeclarationSyntax)node;
                walk.Push(property.Initializer);
                walk.Push(property.ExpressionBody);
                walk.Push(property.AccessorList);
                walk.Push(property.Type);
                return;
            case SyntaxKind.ClassDeclaration or SyntaxKind.StructDeclaration or SyntaxKind.RecordDeclaration or SyntaxKind.RecordStructDeclaration or SyntaxKind.InterfaceDeclaration:
                var type = (TypeDeclarationSyntax)node;
                PushAll(type.Members, ref walk);
                walk.Push(type.BaseList); // a primary constructor's base call has arguments
                return;
            case SyntaxKind.CompilationUnit:
                PushAll(((CompilationUnitSyntax)node).Members, ref walk);
                return;
            case SyntaxKind.NamespaceDeclaration or SyntaxKind.FileScopedNamespaceDeclaration:
                PushAll(((BaseNamespaceDeclarationSyntax)node).Members, ref walk);
                return;
            case var _ when node is BinaryExpressionSyntax binary:
                walk.Push(binary.Right);
                walk.Push(binary.Left);
                return;
            case var _ when node is AssignmentExpressionSyntax assignment:
                walk.Push(assignment.Right);
                walk.Push(assignment.Left);
                return;
            case SyntaxKind.InterpolatedStringExpression:
                var contents = ((InterpolatedStringExpressionSyntax)node).Contents;
                for (var i = contents.Count - 1; i >= 0; i--)
                {
                    if (contents[i] is InterpolationSyntax interpolation)
                    {
                        walk.Push(interpolation.AlignmentClause?.Value); // the format clause holds no key
                        walk.Push(interpolation.Expression);
                    }
                }

                return;
            case SyntaxKind.AccessorList:
                var accessors = ((AccessorListSyntax)node).Accessors;
                for (var i = accessors.Count - 1; i >= 0; i--)
                {
                    walk.Push(accessors[i].ExpressionBody); // an auto-accessor (get;) has neither
                    walk.Push(accessors[i].Body);
                }

                return;
            case SyntaxKind.ConstructorDeclaration:
                var constructor = (ConstructorDeclarationSyntax)node;
                walk.Push(constructor.ExpressionBody);
                walk.Push(constructor.Body);
                if (constructor.Initializer is { } constructorInitializer)
                    PushArguments(constructorInitializer.ArgumentList.Arguments, ref walk);
                return;
            case SyntaxKind.IfStatement:
                var ifStatement = (IfStatementSyntax)node;
                walk.Push(ifStatement.Else?.Statement);
                walk.Push(ifStatement.Statement);
                walk.Push(ifStatement.Condition);
                return;
            case SyntaxKind.ParenthesizedExpression:
                walk.Push(((ParenthesizedExpressionSyntax)node).Expression);
                return;
            case SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression:
                walk.Push(((PostfixUnaryExpressionSyntax)node).Operand);
                return;
            case SyntaxKind.TupleExpression:
                PushArguments(((TupleExpressionSyntax)node).Arguments, ref walk);
                return;
            case SyntaxKind.ConditionalExpression:
                var conditional = (ConditionalExpressionSyntax)node;
                walk.Push(conditional.WhenFalse);
                walk.Push(conditional.WhenTrue);
                walk.Push(conditional.Condition);
                return;
            default:
                PushChildNodes(node, ref walk);
                return;
        }
    }

    // The children of any other kind, in order: read forward (ChildSyntaxList's reversed enumeration finds each
    // child from the first one) into a buffer kept per thread, then pushed last first.
    private static void PushChildNodes(SyntaxNode node, ref NodeStack walk)
    {
        var buffer = s_children ??= new List<SyntaxNode>();
        var first = buffer.Count; // a nested call (none today) would append after this one's children
        foreach (var child in node.ChildNodesAndTokens())
        {
            if (child.AsNode() is { } childNode)
                buffer.Add(childNode);
        }

        for (var i = buffer.Count - 1; i >= first; i--)
            walk.Push(buffer[i]);
        buffer.RemoveRange(first, buffer.Count - first);
    }

    [System.ThreadStatic]
    private static List<SyntaxNode>? s_children;

    // Not generic: a generic method over reference types runs shared code that looks its type up at run time.
    private static void PushAll(SyntaxList<StatementSyntax> statements, ref NodeStack walk)
    {
        for (var i = statements.Count - 1; i >= 0; i--)
            PushStatement(statements[i], ref walk);
    }

    // The nodes below hold no key themselves and make up about half of what a walk would pop (member accesses,
    // expression, declaration and return statements, declarations, declarators, their `= value`): their children
    // are pushed in their place, in the same order, so each is read but never popped and dispatched on.

    /// <summary>Pushes a statement, or in place of an expression, declaration or return statement what it holds.</summary>
    private static void PushStatement(StatementSyntax statement, ref NodeStack walk)
    {
        switch ((SyntaxKind)statement.RawKind)
        {
            case SyntaxKind.ExpressionStatement:
                walk.Push(((ExpressionStatementSyntax)statement).Expression);
                return;
            case SyntaxKind.LocalDeclarationStatement:
                PushDeclaration(((LocalDeclarationStatementSyntax)statement).Declaration, ref walk);
                return;
            case SyntaxKind.ReturnStatement:
                walk.Push(((ReturnStatementSyntax)statement).Expression);
                return;
            default:
                walk.Push(statement);
                return;
        }
    }

    private static void PushDeclaration(VariableDeclarationSyntax declaration, ref NodeStack walk)
    {
        var variables = declaration.Variables;
        for (var i = variables.Count - 1; i >= 0; i--)
            PushDeclarator(variables[i], ref walk);
        walk.Push(declaration.Type);
    }

    private static void PushDeclarator(VariableDeclaratorSyntax declarator, ref NodeStack walk)
    {
        if (declarator.Initializer is { } initializer)
            walk.Push(initializer.Value);
        walk.Push(declarator.ArgumentList);
    }

    /// <summary>What a chain of member accesses (<c>a.b.c</c>) starts from (<c>a</c>): the names after the dots hold no key.</summary>
    private static SyntaxNode Receiver(ExpressionSyntax expression)
    {
        while (expression.RawKind is (int)SyntaxKind.SimpleMemberAccessExpression or (int)SyntaxKind.PointerMemberAccessExpression)
            expression = ((MemberAccessExpressionSyntax)expression).Expression;
        return expression;
    }

    private static SyntaxNode Receiver(SyntaxNode memberAccess) => Receiver(((MemberAccessExpressionSyntax)memberAccess).Expression);

    private static void PushAll(SyntaxList<MemberDeclarationSyntax> members, ref NodeStack walk)
    {
        for (var i = members.Count - 1; i >= 0; i--)
            walk.Push(members[i]);
    }

    private static void PushArguments(SeparatedSyntaxList<ArgumentSyntax> arguments, ref NodeStack walk)
    {
        for (var i = arguments.Count - 1; i >= 0; i--)
            walk.Push(arguments[i].Expression); // an argument's name (x: ...) holds no key
    }

    /// <summary>The walk's stack: an array that grows, kept per thread between files.</summary>
    private struct NodeStack
    {
        private Slot[] _items;

        public NodeStack(Slot[] items)
        {
            _items = items;
            Count = 0;
        }

        public int Count { get; private set; }

        /// <summary>
        /// Pushes a node unless it is absent, not walked, or can hold no key (<see cref="HoldsNoKey"/>). A member access
        /// (<c>a.b.c</c>) is replaced by what it starts from (<c>a</c>), all its walk would push.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(SyntaxNode? node)
        {
            if (node is null)
                return;
            var kind = (SyntaxKind)node.RawKind;
            if (kind is SyntaxKind.SimpleMemberAccessExpression or SyntaxKind.PointerMemberAccessExpression)
            {
                node = Receiver(node);
                kind = (SyntaxKind)node.RawKind;
            }

            if (HoldsNoKey(kind))
                return;
            if (Count == _items.Length)
                System.Array.Resize(ref _items, Count * 2);
            _items[Count++].Node = node;
        }

        /// <summary>Pops a node and clears its slot: the array kept for the next file holds no node of this one.</summary>
        public SyntaxNode Pop()
        {
            ref var slot = ref _items[--Count];
            var node = slot.Node;
            slot.Node = null!;
            return node;
        }

        public Slot[] Release() => _items;
    }

    // A node in a struct: storing it into the stack's array needs no check of the array's element type, which storing
    // a derived node into a SyntaxNode[] does on every push.
    private struct Slot
    {
        public SyntaxNode Node;
    }

    // What is not walked by design (IsNotWalked), and what can hold no key: names (a generic name's type arguments are
    // types), literals, this and base, designations (out var x), interpolated text and format clauses.
    private static bool HoldsNoKey(SyntaxKind kind) => IsNotWalked(kind) || kind is SyntaxKind.IdentifierName or SyntaxKind.GenericName or SyntaxKind.PredefinedType
        or SyntaxKind.QualifiedName or SyntaxKind.AliasQualifiedName or SyntaxKind.NumericLiteralExpression or SyntaxKind.StringLiteralExpression
        or SyntaxKind.CharacterLiteralExpression or SyntaxKind.TrueLiteralExpression or SyntaxKind.FalseLiteralExpression or SyntaxKind.NullLiteralExpression
        or SyntaxKind.DefaultLiteralExpression or SyntaxKind.ThisExpression or SyntaxKind.BaseExpression or SyntaxKind.SingleVariableDesignation
        or SyntaxKind.DiscardDesignation or SyntaxKind.InterpolatedStringText or SyntaxKind.InterpolationFormatClause;
}
