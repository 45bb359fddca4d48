using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>Bounds one question: how deep it may follow values, and what it has already visited (no cycles).</summary>
internal sealed class Trace
{
    public const int MaxDepth = 12;

    // The nodes on the current path: at most MaxDepth when every Enter is paired with an Exit, so a short array
    // searched linearly (no hashing, and nothing allocated beyond it: a trace is made per question).
    private SyntaxNode?[] _path = new SyntaxNode?[MaxDepth];
    private int _count;

    public Trace(CancellationToken cancellationToken) => CancellationToken = cancellationToken;

    public CancellationToken CancellationToken { get; }

    public int Depth { get; private set; }

    /// <summary>Enters a node; false when it is on the path already or the depth budget is spent.</summary>
    public bool Enter(SyntaxNode node)
    {
        CancellationToken.ThrowIfCancellationRequested();
        if (Depth >= MaxDepth || IndexOf(node) >= 0)
            return false;
        if (_count == _path.Length)
            System.Array.Resize(ref _path, _count * 2);
        _path[_count++] = node;
        Depth++;
        return true;
    }

    public void Exit(SyntaxNode node)
    {
        Depth--;
        var index = IndexOf(node);
        if (index < 0)
            return;
        _path[index] = _path[--_count];
        _path[_count] = null;
    }

    private int IndexOf(SyntaxNode node)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_path[i], node))
                return i;
        }

        return -1;
    }
}

internal sealed partial class TrainingCodeModel
{
    private const int MaxCallSites = 16;
    private readonly ConcurrentDictionary<ISymbol, ImmutableArray<IOperation>> _memberDefinitions = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1), SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, Dictionary<IMethodSymbol, ImmutableArray<IOperation>>> _callSitesByName = new(System.StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IMethodSymbol, IOperation?> _bodies = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1), SymbolEqualityComparer.Default);

    // Reaching definitions of a local or parameter reference: a walk of its method body, asked by many rules.
    private readonly ConcurrentDictionary<SyntaxNode, ImmutableArray<IOperation>> _reaching = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 2.5));

    /// <summary>Strips implicit and explicit conversions (and other value-preserving wrappers).</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        // By kind (a virtual property) before the cast: asked of nearly every value the model follows, where two
        // interface type tests per call showed in profiles.
        while (true)
        {
            switch (operation.Kind)
            {
                case OperationKind.Conversion:
                    operation = ((IConversionOperation)operation).Operand;
                    continue;
                case OperationKind.Argument:
                    operation = ((IArgumentOperation)operation).Value;
                    continue;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// The expressions a value may come from, one step back: the reaching assignments of a local, the
    /// initializer and assignments of a field or auto-property, the arguments at every call site of a
    /// parameter, the returned values of a source method, both arms of a conditional. Empty when unknown.
    /// A value that is none of these (a call into a library, an object creation, a literal) is its own origin.
    /// </summary>
    public ImmutableArray<IOperation> Definitions(IOperation value, CancellationToken cancellationToken)
    {
        value = Unwrap(value);
        // By kind before any cast (see Unwrap): value flow asks this at every step.
        switch (value.Kind)
        {
            case OperationKind.LocalReference:
                return _reaching.GetOrCompute(value.Syntax, (ILocalReferenceOperation)value, static (_, l) => ReachingDefinitions(l, l.Local, out bool _));
            case OperationKind.ParameterReference:
                return _reaching.GetOrCompute(value.Syntax, (Model: this, Parameter: (IParameterReferenceOperation)value, CancellationToken: cancellationToken), static (_, s) => s.Model.ParameterDefinitions(s.Parameter, throughModuleForward: false, s.CancellationToken));

            case OperationKind.FieldReference:
                return MemberDefinitions(((IFieldReferenceOperation)value).Field, cancellationToken);
            case OperationKind.PropertyReference when IsAutoProperty(((IPropertyReferenceOperation)value).Property):
                return MemberDefinitions(((IPropertyReferenceOperation)value).Property, cancellationToken);
            case OperationKind.Invocation when ((IInvocationOperation)value).TargetMethod is var method && IsSourceMethod(method) && !Symbols.IsModule(method.ContainingType):
                return ReturnedValues(method, cancellationToken);
            case OperationKind.Conditional when ((IConditionalOperation)value).WhenFalse is { } whenFalse:
                return ImmutableArray.Create(((IConditionalOperation)value).WhenTrue, whenFalse);
            case OperationKind.Coalesce:
                var coalesce = (ICoalesceOperation)value;
                return ImmutableArray.Create(coalesce.Value, coalesce.WhenNull);
            default:
                return ImmutableArray.Create(value);
        }
    }

    /// <summary>
    /// The writes of a parameter that reach a reference and, when its entry value may too, the arguments at its call
    /// sites. A module's forward gets its input from every caller: unknown, unless <paramref name="throughModuleForward"/>
    /// (values that are not tensors of the model, such as ML.NET data, are followed there too).
    /// </summary>
    private ImmutableArray<IOperation> ParameterDefinitions(IParameterReferenceOperation parameter, bool throughModuleForward, CancellationToken cancellationToken)
    {
        // Parameters are often reassigned (x = fc1.forward(x); ... return x;): writes in the body come first.
        var written = ReachingDefinitions(parameter, parameter.Parameter, out var entryReaches);
        if (!entryReaches)
            return written;
        var arguments = !throughModuleForward && IsModuleForward(parameter.Parameter.ContainingSymbol as IMethodSymbol)
            ? ImmutableArray<IOperation>.Empty
            : ParameterArguments(parameter.Parameter, cancellationToken);
        return written.IsEmpty ? arguments : arguments.IsEmpty ? ImmutableArray<IOperation>.Empty : written.AddRange(arguments);
    }

    public static bool IsOwnOrigin(IOperation value, ImmutableArray<IOperation> definitions) =>
        definitions.Length == 1 && ReferenceEquals(definitions[0], value);

    public bool IsSourceMethod(IMethodSymbol method)
    {
        // Asked of most calls value flow meets. A method of this compilation's assembly is declared in its trees (a
        // project reference's source methods belong to another assembly), so its syntax references need no look-up.
        return !method.IsAbstract && !method.IsExtern && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, Compilation.Assembly) &&
            method.DeclaringSyntaxReferences.Length > 0;
    }

    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.DeclaringSyntaxReferences.Length > 0 &&
        property.DeclaringSyntaxReferences.All(r => r.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors } &&
            accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null));

    /// <summary>The body operation of a source method (block or expression body), memoised.</summary>
    public IOperation? GetBody(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method;
        return _bodies.GetOrCompute(method.OriginalDefinition, (Model: this, CancellationToken: cancellationToken), static (m, s) =>
        {
            foreach (var reference in m.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(s.CancellationToken);
                if (syntax is BaseMethodDeclarationSyntax { Body: null, ExpressionBody: null } or LocalFunctionStatementSyntax { Body: null, ExpressionBody: null })
                    continue;
                var operation = s.Model.GetOperation(syntax, s.CancellationToken);
                if (operation is not null)
                    return operation;
            }

            return null;
        });
    }

    /// <summary>The values a source method returns (outside its lambdas and local functions), memoised: value flow asks it of every helper call.</summary>
    public ImmutableArray<IOperation> ReturnedValues(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method;
        return _returnedValues.GetOrCompute(method.OriginalDefinition, (Model: this, CancellationToken: cancellationToken), static (m, s) => s.Model.ComputeReturnedValues(m, s.CancellationToken));
    }

    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IOperation>> _returnedValues = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.5), SymbolEqualityComparer.Default);

    private ImmutableArray<IOperation> ComputeReturnedValues(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var body = GetBody(method, cancellationToken);
        if (body is null)
            return ImmutableArray<IOperation>.Empty;
        var builder = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var ret in ReturnsOf(body))
        {
            if (ret.ReturnedValue is not null)
                builder.Add(ret.ReturnedValue);
        }

        return builder.ToImmutable();
    }

    /// <summary>The <c>return</c>s of a body (not <c>yield</c>), outside its lambdas and local functions.</summary>
    public static IEnumerable<IReturnOperation> ReturnsOf(IOperation body) =>
        OperationTreeContents.Of(body).OfKind<IReturnOperation>(body, OperationKind.Return).Where(ret => !ReferenceEquals(ret, body) && !IsInsideNestedFunction(ret, body));

    private static bool IsInsideNestedFunction(IOperation operation, IOperation root)
    {
        for (var p = operation.Parent; p is not null && !ReferenceEquals(p, root); p = p.Parent)
        {
            if (p.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction) // by kind: no interface test per ancestor
                return true;
        }

        return false;
    }

    /// <summary>Every invocation / object creation of a method in the compilation (the first few in index order), memoised.</summary>
    public ImmutableArray<IOperation> CallSites(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        return CallSitesByTarget(name, cancellationToken).TryGetValue(method, out var sites) ? sites : ImmutableArray<IOperation>.Empty;
    }

    /// <summary>
    /// The calls of one simple name, bound once and grouped by the method they call. Asking method by method would
    /// scan (and bind) every same-named call for each method: quadratic in projects where many classes have an
    /// <c>Evaluate</c> or <c>Train</c>.
    /// </summary>
    private Dictionary<IMethodSymbol, ImmutableArray<IOperation>> CallSitesByTarget(string name, CancellationToken cancellationToken) =>
        _callSitesByName.GetOrCompute(name, (Model: this, CancellationToken: cancellationToken), static (n, s) =>
        {
            var groups = new Dictionary<IMethodSymbol, ImmutableArray<IOperation>.Builder>(SymbolEqualityComparer.Default);
            foreach (var node in s.Model.Index.CallsNamed(n))
            {
                var operation = s.Model.GetOperation(node, s.CancellationToken);
                var target = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IObjectCreationOperation creation => creation.Constructor,
                    _ => null,
                };
                if (target is null)
                    continue;
                if (!groups.TryGetValue(target.OriginalDefinition, out var sites))
                    groups[target.OriginalDefinition] = sites = ImmutableArray.CreateBuilder<IOperation>();
                if (sites.Count < MaxCallSites)
                    sites.Add(operation!);
            }

            var result = new Dictionary<IMethodSymbol, ImmutableArray<IOperation>>(groups.Count, SymbolEqualityComparer.Default);
            foreach (var pair in groups)
                result[pair.Key] = pair.Value.ToImmutable();
            return result;
        });

    private ImmutableArray<IOperation> ParameterArguments(IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method || method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LambdaMethod)
            return ImmutableArray<IOperation>.Empty;
        var builder = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var call in CallSites(method, cancellationToken))
        {
            var arguments = call switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            foreach (var argument in arguments)
            {
                if (argument.Parameter is not null && argument.Parameter.Ordinal == parameter.Ordinal && argument.ArgumentKind == ArgumentKind.Explicit)
                    builder.Add(argument.Value);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>The simple assignments to that name inside the declarations of a type (from the trees' syntax index).</summary>
    private static IEnumerable<SyntaxNode> AssignmentsIn(INamedTypeSymbol type, string name, TrainingCodeModel model)
    {
        foreach (var reference in type.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (!model.ContainsTree(reference.SyntaxTree))
                continue;
            foreach (var assignment in TreeIndex.For(reference.SyntaxTree).CallsNamed(TreeIndex.AssignmentPrefix + name))
            {
                if (reference.Span.Contains(assignment.Span) && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
                    yield return assignment;
            }
        }
    }

    /// <summary>Initializer and assignments of a field or auto-property, searched in its declaring type only.</summary>
    private ImmutableArray<IOperation> MemberDefinitions(ISymbol member, CancellationToken cancellationToken)
    {
        member = member.OriginalDefinition;
        return _memberDefinitions.GetOrCompute(member, (Model: this, CancellationToken: cancellationToken), static (m, s) =>
        {
            var builder = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var reference in m.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(s.CancellationToken);
                var initializer = declaration switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                if (initializer is not null && s.Model.GetOperation(initializer, s.CancellationToken) is { } value)
                    builder.Add(value);
            }

            foreach (var assignment in AssignmentsIn(m.ContainingType, m.Name, s.Model))
            {
                if (s.Model.GetOperation(assignment, s.CancellationToken) is ISimpleAssignmentOperation op && ReferencesMember(op.Target, m))
                    builder.Add(op.Value);
            }

            return builder.ToImmutable();
        });
    }

    private static bool ReferencesMember(IOperation target, ISymbol member) => target switch
    {
        IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field.OriginalDefinition, member),
        IPropertyReferenceOperation property => SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, member),
        _ => false,
    };

    /// <summary>
    /// The assignments of a local that may reach a reference. Straight-line code is followed exactly
    /// (<c>x = fc1.forward(x); x = relu(x); return x;</c> reaches only <c>relu(x)</c>); an assignment under a
    /// condition or loop also lets the earlier ones through. Empty when the local is written in ways we don't follow.
    /// </summary>
    private static ImmutableArray<IOperation> ReachingDefinitions(IOperation reference, ISymbol variable, out bool entryReaches)
    {
        entryReaches = false;
        var root = reference;
        var writes = OperationTreeContents.Of(reference).Writes.TryGetValue(variable, out var found) ? found : NoWrites;

        // The writes are in source order: the ones before the read are a prefix, taken latest first.
        var position = root.Syntax.SpanStart;
        var after = FirstStartingAfter(writes, position);
        var builder = ImmutableArray.CreateBuilder<IOperation>();
        var reached = false;
        for (var i = after - 1; i >= 0; i--)
        {
            var write = writes[i];
            if (write.Syntax.Span.End > position || write.Syntax.SyntaxTree != root.Syntax.SyntaxTree)
                continue;
            // A write inside the expression that reads the local (x = f(x)) is not a reaching one.
            if (write.Syntax.Span.Contains(root.Syntax.Span))
                continue;
            if (write.Value is null)
                return ImmutableArray<IOperation>.Empty;
            builder.Add(write.Value);
            if (AlwaysReaches(write.Syntax, root.Syntax))
            {
                reached = true;
                break;
            }
        }

        if (IsInLoopAfterWrites(root.Syntax, writes, after))
            return ImmutableArray<IOperation>.Empty;

        // A local is definitely assigned, so the collected writes cover it; a parameter may still hold its argument.
        entryReaches = variable is IParameterSymbol && !reached;
        return builder.ToImmutable();
    }

    private static readonly List<(SyntaxNode Syntax, IOperation? Value)> NoWrites = new();

    /// <summary>The index of the first write that starts after the position (the count when none does).</summary>
    private static int FirstStartingAfter(List<(SyntaxNode Syntax, IOperation? Value)> writes, int position)
    {
        int low = 0, high = writes.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (writes[middle].Syntax.SpanStart <= position)
                low = middle + 1;
            else
                high = middle;
        }

        return low;
    }

    /// <summary>A write reaches a later read on every path when no branch or loop separates them.</summary>
    private static bool AlwaysReaches(SyntaxNode write, SyntaxNode read)
    {
        for (var node = write.Parent; node is not null; node = node.Parent)
        {
            if (node.Span.Contains(read.Span))
                return true;
            if (node is IfStatementSyntax or ElseClauseSyntax or ConditionalExpressionSyntax or SwitchSectionSyntax or SwitchExpressionArmSyntax
                or ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or CatchClauseSyntax
                or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression or (int)SyntaxKind.CoalesceExpression }
                or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                return false;
        }

        return false;
    }

    /// <summary>A read inside a loop can also see writes made later in the previous iteration.</summary>
    private static bool IsInLoopAfterWrites(SyntaxNode read, List<(SyntaxNode Syntax, IOperation? Value)> writes, int firstAfter)
    {
        // Writes after the read start after it; a loop around the read holds one of them if it holds the first
        // (a write that starts inside the loop lies inside it).
        if (firstAfter == writes.Count)
            return false;
        var next = writes[firstAfter].Syntax;
        foreach (var ancestor in read.Ancestors())
        {
            if (ancestor is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax &&
                ancestor.SyntaxTree == next.SyntaxTree && ancestor.Span.Contains(next.Span))
                return true;
        }

        return false;
    }
}
