using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// What the model reads from an operation tree (a method body, an initializer), collected in one walk and kept as
/// long as the tree: its invocations, branches and returns in walk order, and the writes of each variable in source
/// order (grouped when first asked). A loop body's contents, a method's events and returns, every
/// reaching-definitions question and several rules used to walk the same trees again, each for one kind of operation.
/// </summary>
internal sealed class OperationIndex
{
    private static readonly ConditionalWeakTable<IOperation, OperationIndex> Indices = new();
    private static readonly List<(SyntaxNode Syntax, IOperation? Value)> NoWrites = new();

    private readonly IOperation _root;
    private readonly ImmutableArray<IInvocationOperation> _invocations;
    private readonly ImmutableArray<IBranchOperation> _branches;
    private readonly ImmutableArray<IReturnOperation> _returns;
    private readonly ImmutableArray<IOperation> _writeOperations;
    private Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>>? _writes;

    private OperationIndex(IOperation root, ImmutableArray<IInvocationOperation> invocations, ImmutableArray<IBranchOperation> branches,
        ImmutableArray<IReturnOperation> returns, ImmutableArray<IOperation> writeOperations)
    {
        _root = root;
        _invocations = invocations;
        _branches = branches;
        _returns = returns;
        _writeOperations = writeOperations;
    }

    /// <summary>The index of the tree the operation belongs to.</summary>
    public static OperationIndex Of(IOperation operation)
    {
        var root = operation;
        while (root.Parent is { } parent)
            root = parent;
        return Indices.GetValue(root, Build);
    }

    /// <summary>The invocations under the operation (and the operation itself when <paramref name="includeSelf"/>), in walk order.</summary>
    public IEnumerable<IInvocationOperation> InvocationsUnder(IOperation operation, bool includeSelf) => Under(_invocations, operation, includeSelf);

    /// <summary>The branches (break, continue, goto) strictly under the operation, in walk order.</summary>
    public IEnumerable<IBranchOperation> BranchesUnder(IOperation operation) => Under(_branches, operation, includeSelf: false);

    /// <summary>The returns strictly under the operation, in walk order.</summary>
    public IEnumerable<IReturnOperation> ReturnsUnder(IOperation operation) => Under(_returns, operation, includeSelf: false);

    /// <summary>The writes of a variable anywhere in the tree, in source order (declarations with their initializer, assignments; a null value when not followed).</summary>
    public List<(SyntaxNode Syntax, IOperation? Value)> WritesOf(ISymbol variable)
    {
        // Grouped by variable on the first question only: most trees are asked for their invocations, not their writes.
        var byVariable = Volatile.Read(ref _writes);
        if (byVariable is null)
        {
            Interlocked.CompareExchange(ref _writes, GroupWrites(_writeOperations), null);
            byVariable = _writes!;
        }

        return byVariable.TryGetValue(variable, out var writes) ? writes : NoWrites;
    }

    private IEnumerable<T> Under<T>(ImmutableArray<T> all, IOperation ancestor, bool includeSelf)
        where T : IOperation
    {
        if (ReferenceEquals(ancestor, _root))
        {
            foreach (var item in all)
            {
                if (includeSelf || !ReferenceEquals(item, ancestor))
                    yield return item;
            }

            yield break;
        }

        // A climb per candidate: a tree holds a few dozen of each kind, where walking the subtree visits every operation.
        foreach (var item in all)
        {
            if (ReferenceEquals(item, ancestor))
            {
                if (includeSelf)
                    yield return item;
                continue;
            }

            for (var parent = item.Parent; parent is not null; parent = parent.Parent)
            {
                if (ReferenceEquals(parent, ancestor))
                {
                    yield return item;
                    break;
                }
            }
        }
    }

    private static OperationIndex Build(IOperation root)
    {
        var invocations = ImmutableArray.CreateBuilder<IInvocationOperation>();
        var branches = ImmutableArray.CreateBuilder<IBranchOperation>();
        var returns = ImmutableArray.CreateBuilder<IReturnOperation>();
        var writes = ImmutableArray.CreateBuilder<IOperation>();

        // Switched on the kind (a virtual property) before any interface cast: this visits every operation of the tree.
        foreach (var operation in root.DescendantsAndSelf())
        {
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    invocations.Add((IInvocationOperation)operation);
                    break;
                case OperationKind.Branch:
                    branches.Add((IBranchOperation)operation);
                    break;
                case OperationKind.Return:
                    returns.Add((IReturnOperation)operation);
                    break;
                // The writes inside the tree (grouped by GroupWrites): declarations, assignments, out var and ref/out arguments.
                case OperationKind.VariableDeclarator or OperationKind.SimpleAssignment or OperationKind.CompoundAssignment when !ReferenceEquals(operation, root):
                    writes.Add(operation);
                    break;
                case OperationKind.LocalReference when ((ILocalReferenceOperation)operation).IsDeclaration && !ReferenceEquals(operation, root):
                    writes.Add(operation);
                    break;
                case OperationKind.Argument when ((IArgumentOperation)operation).Parameter?.RefKind is RefKind.Ref or RefKind.Out && !ReferenceEquals(operation, root):
                    writes.Add(operation);
                    break;
            }
        }

        return new OperationIndex(root, invocations.ToImmutable(), branches.ToImmutable(), returns.ToImmutable(), writes.ToImmutable());
    }

    private static Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>> GroupWrites(ImmutableArray<IOperation> operations)
    {
        var writes = new Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>>(SymbolEqualityComparer.Default);
        void Write(ISymbol? variable, SyntaxNode syntax, IOperation? value)
        {
            if (variable is null)
                return;
            if (!writes.TryGetValue(variable, out var list))
                writes[variable] = list = new List<(SyntaxNode Syntax, IOperation? Value)>();
            list.Add((syntax, value));
        }

        foreach (var operation in operations)
        {
            switch (operation.Kind)
            {
                case OperationKind.VariableDeclarator:
                    var declarator = (IVariableDeclaratorOperation)operation;
                    var initializer = declarator.GetVariableInitializer();
                    if (initializer is not null)
                        Write(declarator.Symbol, declarator.Syntax, initializer.Value);
                    else if (declarator.Parent?.Parent is IForEachLoopOperation || declarator.Syntax is SingleVariableDesignationSyntax)
                        Write(declarator.Symbol, declarator.Syntax, null); // foreach variable, pattern or out var: not followed
                    break;
                case OperationKind.SimpleAssignment:
                    var assignment = (ISimpleAssignmentOperation)operation;
                    Write(TrainingCodeModel.ReferencedSymbol(assignment.Target), assignment.Syntax, assignment.Value);
                    break;
                case OperationKind.CompoundAssignment:
                    Write(TrainingCodeModel.ReferencedSymbol(((ICompoundAssignmentOperation)operation).Target), operation.Syntax, null);
                    break;
                case OperationKind.LocalReference:
                    Write(((ILocalReferenceOperation)operation).Local, operation.Syntax, null); // out var / deconstruction: not followed
                    break;
                case OperationKind.Argument:
                    Write(TrainingCodeModel.ReferencedSymbol(((IArgumentOperation)operation).Value), operation.Syntax, null);
                    break;
            }
        }

        // In source order (a walk of the operations meets an assignment before the writes inside its value).
        foreach (var list in writes.Values)
            list.Sort(static (a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return writes;
    }
}
