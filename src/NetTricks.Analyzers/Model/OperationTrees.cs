using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// The operations of one operation tree (a member's body, from its root) that the model and the rules look for —
/// invocations, returns, branches, loops, lambdas and local functions, and what writes variables (assignments,
/// declarators, out/ref arguments) — found in one walk and kept as long as the tree. A loop's contents, a method's
/// events, its returns and its writes used to be separate walks of the same body, and several rules walked it again
/// per call they looked at.
/// </summary>
internal sealed class OperationTreeContents
{
    // Keyed by the root operation: no compilation state, and gone with the tree.
    private static readonly ConditionalWeakTable<IOperation, OperationTreeContents> ByRoot = new();

    private readonly IOperation _root;

    // The kept operations in the order of IOperation.Descendants() (pre-order over ChildOperations).
    private readonly List<IOperation> _kept;

    // Where the kept operations of some subtrees (loop bodies, local functions) start and end in _kept: a subtree's
    // operations are contiguous in pre-order.
    private readonly Dictionary<IOperation, (int Start, int End)> _subtrees;

    private Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>>? _writes;

    private OperationTreeContents(IOperation root, List<IOperation> kept, Dictionary<IOperation, (int Start, int End)> subtrees) =>
        (_root, _kept, _subtrees) = (root, kept, subtrees);

    /// <summary>The contents of the tree an operation belongs to.</summary>
    public static OperationTreeContents Of(IOperation operation)
    {
        var root = operation;
        while (root.Parent is not null)
            root = root.Parent;
        return ByRoot.GetValue(root, Build);
    }

    /// <summary>
    /// The kept operations in a subtree of this tree (the subtree's own operation included), in the order of
    /// <c>DescendantsAndSelf()</c>. The subtree is the root, a loop body or a local function; any other is walked.
    /// </summary>
    public IEnumerable<IOperation> Kept(IOperation subtree)
    {
        var (start, end) = ReferenceEquals(subtree, _root) ? (0, _kept.Count) : _subtrees.TryGetValue(subtree, out var range) ? range : (-1, -1);
        if (start < 0)
            return subtree.DescendantsAndSelf().Where(IsKept);
        return Slice(start, end);
    }

    private IEnumerable<IOperation> Slice(int start, int end)
    {
        for (var i = start; i < end; i++)
            yield return _kept[i];
    }

    /// <summary>The kept operations of that kind in a subtree (see <see cref="Kept"/>).</summary>
    public IEnumerable<T> OfKind<T>(IOperation subtree, OperationKind kind)
        where T : IOperation
    {
        foreach (var operation in Kept(subtree))
        {
            if (operation.Kind == kind)
                yield return (T)operation;
        }
    }

    /// <summary>
    /// The writes of every local and parameter of the tree (declarations with their initializer, assignments,
    /// compound assignments, out/ref uses, foreach and pattern variables), each variable's in source order.
    /// </summary>
    public Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>> Writes
    {
        get
        {
            if (Volatile.Read(ref _writes) is { } known)
                return known;
            var writes = CollectWrites();
            return Interlocked.CompareExchange(ref _writes, writes, null) ?? writes; // racing threads: the first one published wins
        }
    }

    private Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>> CollectWrites()
    {
        var writes = new Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>>(SymbolEqualityComparer.Default);
        void Add(ISymbol? variable, SyntaxNode syntax, IOperation? value)
        {
            if (variable is null)
                return;
            if (!writes.TryGetValue(variable, out var list))
                writes[variable] = list = new List<(SyntaxNode Syntax, IOperation? Value)>();
            list.Add((syntax, value));
        }

        foreach (var operation in _kept)
        {
            if (ReferenceEquals(operation, _root))
                continue; // the writes under the root, as Descendants() has them
            switch (operation.Kind)
            {
                case OperationKind.VariableDeclarator:
                    var declarator = (IVariableDeclaratorOperation)operation;
                    var initializer = declarator.GetVariableInitializer();
                    if (initializer is not null)
                        Add(declarator.Symbol, declarator.Syntax, initializer.Value);
                    else if (declarator.Parent?.Parent is IForEachLoopOperation || declarator.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.SingleVariableDesignationSyntax)
                        Add(declarator.Symbol, declarator.Syntax, null); // foreach, pattern or out variable
                    break;
                case OperationKind.SimpleAssignment:
                    var assignment = (ISimpleAssignmentOperation)operation;
                    Add(TrainingCodeModel.ReferencedSymbol(assignment.Target), assignment.Syntax, assignment.Value);
                    break;
                case OperationKind.CompoundAssignment:
                    Add(TrainingCodeModel.ReferencedSymbol(((ICompoundAssignmentOperation)operation).Target), operation.Syntax, null);
                    break;
                case OperationKind.LocalReference:
                    Add(((ILocalReferenceOperation)operation).Local, operation.Syntax, null); // out var / deconstruction: not followed
                    break;
                case OperationKind.Argument:
                    Add(TrainingCodeModel.ReferencedSymbol(((IArgumentOperation)operation).Value), operation.Syntax, null);
                    break;
            }
        }

        // In source order (a walk of the operations meets an assignment before the writes inside its value).
        foreach (var list in writes.Values)
            list.Sort(static (a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return writes;
    }

    // What the walk keeps per operation on its path: only the enumerator, unless its subtree is recorded.
    private struct Frame
    {
        public IOperation.OperationList.Enumerator Children;
        public IOperation? Recorded;
        public int Start;
        public bool IsLoop;
    }

    private static bool IsKept(IOperation operation) => IsKept(operation, operation.Kind);

    // Switched on the kind (a virtual property) before any interface cast: this runs for every operation of the tree.
    private static bool IsKept(IOperation operation, OperationKind kind) => kind switch
    {
        OperationKind.Invocation or OperationKind.Return or OperationKind.Branch or OperationKind.Loop or OperationKind.AnonymousFunction
            or OperationKind.LocalFunction or OperationKind.VariableDeclarator or OperationKind.SimpleAssignment or OperationKind.CompoundAssignment
            or OperationKind.CoalesceAssignment => true,
        OperationKind.LocalReference => ((ILocalReferenceOperation)operation).IsDeclaration,
        OperationKind.Argument => ((IArgumentOperation)operation).Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        _ => false,
    };

    // One pre-order walk over ChildOperations (the order of Descendants()) with an explicit stack: the subtrees of
    // loop bodies and local functions are known when their children run out.
    private static OperationTreeContents Build(IOperation root)
    {
        var kept = new List<IOperation>();
        var subtrees = new Dictionary<IOperation, (int Start, int End)>();
        var stack = s_stack ?? new Frame[16];
        s_stack = null; // taken: a nested build on this thread (none today) would get its own
        var depth = 0;
        if (IsKept(root))
            kept.Add(root);
        stack[depth++] = new Frame { Children = root.ChildOperations.GetEnumerator(), IsLoop = root.Kind == OperationKind.Loop };
        while (depth > 0)
        {
            ref var frame = ref stack[depth - 1];
            if (!frame.Children.MoveNext())
            {
                if (frame.Recorded is { } subtree)
                    subtrees[subtree] = (frame.Start, kept.Count);
                frame = default;
                depth--;
                continue;
            }

            var operation = frame.Children.Current;
            var start = kept.Count;
            var kind = operation.Kind;
            if (IsKept(operation, kind))
                kept.Add(operation);

            // Leaves (the most frequent operations) have no children to walk.
            if (kind is OperationKind.LocalReference or OperationKind.Literal or OperationKind.ParameterReference or OperationKind.InstanceReference)
                continue;

            // A loop's body and a local function: their contents are asked for on their own.
            var recorded = kind == OperationKind.LocalFunction || frame.IsLoop && ReferenceEquals(((ILoopOperation)operation.Parent!).Body, operation);
            if (depth == stack.Length)
                System.Array.Resize(ref stack, depth * 2);
            stack[depth++] = new Frame { Children = operation.ChildOperations.GetEnumerator(), Recorded = recorded ? operation : null, Start = start, IsLoop = kind == OperationKind.Loop };
        }

        s_stack = stack; // every frame was cleared as it was popped: the array holds nothing of this tree
        return new OperationTreeContents(root, kept, subtrees);
    }

    // The walk's stack, kept per thread for the next tree (1,868 trees per analysis of the benchmark corpus).
    [System.ThreadStatic]
    private static Frame[]? s_stack;
}
