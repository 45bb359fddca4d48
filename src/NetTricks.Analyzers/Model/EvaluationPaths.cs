using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    private static readonly string[] EvaluationWords = { "eval", "valid", "test", "predict", "infer", "accuracy", "score", "metric" };

    /// <summary>A method name that says it evaluates: it contains one of <see cref="EvaluationWords"/>, in any case.</summary>
    internal static bool IsEvaluationName(string name)
    {
        foreach (var word in EvaluationWords)
        {
            if (name.IndexOf(word, System.StringComparison.OrdinalIgnoreCase) >= 0)
                return true;
        }

        return false;
    }

    /// <summary>
    /// An evaluation path: a model call under no_grad, or in a method that never runs backward() (not even through
    /// the helpers it calls) and computes metrics or predictions by name (Evaluate, Validate, Test, Predict,
    /// Accuracy...). Module forward bodies are never evaluation paths.
    /// </summary>
    public bool IsOnEvaluationPath(IInvocationOperation modelCall, CancellationToken cancellationToken) =>
        _evaluationPaths.GetOrCompute(modelCall.Syntax, (Model: this, Call: modelCall, CancellationToken: cancellationToken), static (_, s) => s.Model.ComputeIsOnEvaluationPath(s.Call, s.CancellationToken));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, bool> _evaluationPaths = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.5));

    private bool ComputeIsOnEvaluationPath(IInvocationOperation modelCall, CancellationToken cancellationToken)
    {
        if (!MayBeOnEvaluationPath(modelCall.Syntax) || EnclosingMethod(modelCall, cancellationToken) is not { } method || IsModuleForward(method) || !IsSourceMethod(method))
            return false;

        // A method named like evaluation that never runs backward is one. Otherwise only a no_grad guard makes the
        // call one (inline validation inside a training method counts too); the bound check, which follows callers,
        // only runs where the syntax allows a guard.
        if (IsEvaluationName(method.Name) && (!MayRunBackward(method, cancellationToken) || !EventsOf(method, cancellationToken).Any(e => e.Kind == StepEventKind.Backward)))
            return true;
        return MayBeUnderGradGuard(modelCall.Syntax, EnclosingMethodNames(modelCall.Syntax), 0) && IsUnderNoGrad(modelCall, cancellationToken);
    }

    private readonly Fact<System.Collections.Generic.HashSet<string>> _namesMayRunBackward = new();

    /// <summary>
    /// Syntax only, and never false where <see cref="EventsOf"/> has a backward event for the method: its name is one
    /// of the functions (methods, local functions) that hold a call named backward, or a call of such a name, to a
    /// fixed point. A method's events come from the calls in its body, and through the source methods it calls; this
    /// spares building the events of most methods named like evaluation (hundreds of bodies walked, with their callees).
    /// </summary>
    private bool MayRunBackward(IMethodSymbol method, CancellationToken cancellationToken) =>
        method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) ||
        _namesMayRunBackward.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.NamesMayRunBackward(s.CancellationToken)).Contains(method.Name);

    private System.Collections.Generic.HashSet<string> NamesMayRunBackward(CancellationToken cancellationToken)
    {
        var names = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal) { "backward" };
        var pending = new System.Collections.Generic.Stack<string>();
        pending.Push("backward");
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var call in Index.CallsNamed(pending.Pop()))
            {
                foreach (var function in EnclosingMethodNames(call))
                {
                    if (names.Add(function))
                        pending.Push(function);
                }
            }
        }

        return names;
    }

    private readonly Fact<ImmutableArray<IInvocationOperation>> _evaluationCalls = new();

    /// <summary>Every model call on an evaluation path in the compilation, bound once on first need.</summary>
    public ImmutableArray<IInvocationOperation> EvaluationCalls(CancellationToken cancellationToken) =>
        _evaluationCalls.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeEvaluationCalls(s.CancellationToken));

    private ImmutableArray<IInvocationOperation> ComputeEvaluationCalls(CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<IInvocationOperation>();
        foreach (var name in TorchVocabulary.ForwardNames)
        {
            foreach (var node in Index.CallsNamed(name))
            {
                // Most forward calls are layer calls inside a module's forward, never an evaluation path: skip them before binding.
                if (IsInMethodNamedForward(node) || !MayBeOnEvaluationPath(node))
                    continue;
                if (GetOperation(node, cancellationToken) is IInvocationOperation call && Classify(call) == StepEventKind.ModelCall && IsOnEvaluationPath(call, cancellationToken))
                    builder.Add(call);
            }
        }

        return builder.ToImmutable();
    }

    private static bool IsInMethodNamedForward(SyntaxNode node)
    {
        // The kind is compared rather than the type tested: asked for every forward call of the compilation.
        for (var ancestor = node.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor.RawKind == (int)SyntaxKind.MethodDeclaration)
                return ((MethodDeclarationSyntax)ancestor).Identifier.ValueText == "forward";
        }

        return false;
    }

    private readonly Fact<(ImmutableHashSet<string> TypeNames, ImmutableHashSet<ISymbol> Roots)> _evaluatedModels = new();

    /// <summary>
    /// What evaluation paths run, computed once: the user module types evaluated, and the variables (locals, fields,
    /// parameters and the variables those parameters receive) that hold evaluated models.
    /// </summary>
    public (ImmutableHashSet<string> TypeNames, ImmutableHashSet<ISymbol> Roots) EvaluatedModels(CancellationToken cancellationToken) =>
        _evaluatedModels.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeEvaluatedModels(s.CancellationToken));

    private (ImmutableHashSet<string> TypeNames, ImmutableHashSet<ISymbol> Roots) ComputeEvaluatedModels(CancellationToken cancellationToken)
    {
        var names = ImmutableHashSet.CreateBuilder<string>();
        var roots = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var call in EvaluationCalls(cancellationToken))
        {
            var receiver = ReceiverOf(call)!;
            if (receiver.Type is INamedTypeSymbol type && IsUserModuleType(type))
                names.Add(type.Name);
            else if (ResolveModule(receiver, new Trace(cancellationToken)) is { IsKnown: true } module && module.Name != "?")
                names.Add(module.Name);
            roots.UnionWith(RootSymbols(receiver, cancellationToken));
        }

        return (names.ToImmutable(), roots.ToImmutable());
    }

    private static readonly ImmutableHashSet<ISymbol> NoRoots = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default);

    // Per module value: NT5006 asks it of the receivers of trained model calls, the evaluated models of every
    // evaluation's receiver, and NT6002 of both again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IOperation, ImmutableHashSet<ISymbol>> _rootSymbols = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.5));

    /// <summary>
    /// The variables (locals, fields, parameters) a module value comes from, following parameters to their call sites
    /// (a few hops); empty for a value that is no variable. Memoised per value.
    /// </summary>
    public ImmutableHashSet<ISymbol> RootSymbols(IOperation? value, CancellationToken cancellationToken) =>
        value is null ? NoRoots : _rootSymbols.GetOrCompute(value, (Model: this, CancellationToken: cancellationToken), static (v, s) => s.Model.RootSymbols(v, s.CancellationToken, 0));

    private ImmutableHashSet<ISymbol> RootSymbols(IOperation value, CancellationToken cancellationToken, int depth)
    {
        var symbol = ReferencedSymbol(value);
        if (symbol is null)
            return NoRoots;
        var roots = NoRoots.Add(symbol);
        if (symbol is not IParameterSymbol || depth >= 3)
            return roots;
        foreach (var definition in Definitions(value, cancellationToken))
            roots = roots.Union(RootSymbols(definition, cancellationToken, depth + 1));
        return roots;
    }

    /// <summary>True when a no_grad / inference_mode guard encloses the operation in its method, or guards every call of that method.</summary>
    public bool IsUnderNoGrad(IOperation operation, CancellationToken cancellationToken, int hops = 0)
    {
        var position = -1; // the operation's start, computed on the first using declaration met
        for (var p = operation.Parent; p is not null; p = p.Parent)
        {
            if (p.Kind == OperationKind.Using && IsGradGuard(((IUsingOperation)p).Resources))
                return true;
            if (p.Kind != OperationKind.Block)
                continue;

            // A `using var _ = no_grad();` before the operation in an enclosing block. The kind is tested first: a
            // statement's start is computed from its first token, and most statements are no using declaration.
            foreach (var statement in ((IBlockOperation)p).Operations)
            {
                if (statement.Kind != OperationKind.UsingDeclaration)
                    continue;
                if (position < 0)
                    position = operation.Syntax.SpanStart;
                if (statement.Syntax.SpanStart < position && IsGradGuard(((IUsingDeclarationOperation)statement).DeclarationGroup))
                    return true;
            }
        }

        if (hops >= 2 || EnclosingMethod(operation, cancellationToken) is not { } method || !IsSourceMethod(method))
            return false;
        var callers = CallSites(method, cancellationToken);
        return !callers.IsEmpty && callers.All(call => IsUnderNoGrad(call, cancellationToken, hops + 1));
    }

    private static readonly string[] GradGuardNames = { "no_grad", "inference_mode", "set_grad_enabled", "enable_grad" };

    /// <summary>
    /// Syntax only, and never false for a call <see cref="IsOnEvaluationPath"/> accepts: the methods around the call
    /// are named like evaluation, or a grad guard may cover it (<see cref="MayBeUnderGradGuard"/>). Spares binding
    /// the training code.
    /// </summary>
    private bool MayBeOnEvaluationPath(SyntaxNode call) =>
        FunctionMayEvaluate(call) || IsInGradGuardScope(call);

    // Per innermost function around a call (method, local function, constructor): the part of MayBeOnEvaluationPath
    // that depends on the function alone, shared by all the calls in it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, bool> _functionsMayEvaluate = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1));

    private bool FunctionMayEvaluate(SyntaxNode call)
    {
        var function = call.Parent;
        while (function is not null and not (LocalFunctionStatementSyntax or MethodDeclarationSyntax or ConstructorDeclarationSyntax))
            function = function.Parent;
        if (function is null)
            return false;
        return _functionsMayEvaluate.GetOrCompute(function, this, static (function, model) =>
        {
            var names = EnclosingMethodNames(function);
            return names.Any(IsEvaluationName) || names.Any(name => model.MayBeCalledUnderGradGuard(name, 1));
        });
    }

    /// <summary>
    /// Syntax only, and never false where <see cref="IsUnderNoGrad"/> is true: a using statement or declaration that
    /// calls a grad guard encloses the node, or (two hops at most, as <see cref="IsUnderNoGrad"/> follows callers)
    /// some call of a method around it may be under one.
    /// </summary>
    private bool MayBeUnderGradGuard(SyntaxNode node, ImmutableArray<string> enclosingMethods, int hops) =>
        IsInGradGuardScope(node) || hops < 2 && enclosingMethods.Any(name => MayBeCalledUnderGradGuard(name, hops + 1));

    // Per method name and hop: every call of the name is looked at once, however many call sites ask.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, int Hops), bool> _calledUnderGradGuard = new();

    private bool MayBeCalledUnderGradGuard(string name, int hops) =>
        _calledUnderGradGuard.GetOrCompute((Name: name, Hops: hops), this, static (key, model) =>
            model.Index.CallsNamed(key.Name).Any(caller => model.MayBeUnderGradGuard(caller, EnclosingMethodNames(caller), key.Hops)));

    /// <summary>
    /// The syntax of what <see cref="IsUnderNoGrad"/> finds walking up from an operation: a using statement whose
    /// resource calls a grad guard (by name) around the node, or a using declaration that does, earlier in a block
    /// (or among the top-level statements) around it, or the declaration holding the node itself.
    /// </summary>
    private static bool IsInGradGuardScope(SyntaxNode node)
    {
        // Every guard is a call by one of these names, and the tree's index files every call by its name.
        if (!MayCallGradGuard(TreeIndex.For(node.SyntaxTree)))
            return false;
        for (var child = node; child.Parent is { } parent; child = parent)
        {
            switch (parent)
            {
                case UsingStatementSyntax usingStatement when CallsGradGuard((SyntaxNode?)usingStatement.Declaration ?? usingStatement.Expression):
                    return true;
                case BlockSyntax block when PrecededByGuardDeclaration(block.Statements, child):
                    return true;
                case SwitchSectionSyntax section when PrecededByGuardDeclaration(section.Statements, child):
                    return true;
                case CompilationUnitSyntax unit when child is GlobalStatementSyntax &&
                    unit.Members.TakeWhile(m => m.SpanStart <= child.SpanStart).OfType<GlobalStatementSyntax>().Any(g => IsGuardDeclaration(g.Statement)):
                    return true;
            }
        }

        return false;
    }

    private static bool MayCallGradGuard(TreeIndex index)
    {
        foreach (var name in GradGuardNames)
        {
            if (!index.CallsNamed(name).IsEmpty)
                return true;
        }

        return false;
    }

    private static bool PrecededByGuardDeclaration(SyntaxList<StatementSyntax> statements, SyntaxNode child)
    {
        foreach (var statement in statements)
        {
            if (IsGuardDeclaration(statement))
                return true;
            if (statement == child)
                return false;
        }

        return false;
    }

    private static bool IsGuardDeclaration(StatementSyntax statement) =>
        statement is LocalDeclarationStatementSyntax declaration && declaration.UsingKeyword.RawKind != 0 && CallsGradGuard(declaration.Declaration);

    private static bool CallsGradGuard(SyntaxNode? resource) =>
        resource is not null && resource.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
            .Any(invocation => CodeIndex.SimpleName(invocation.Expression) is { } name && System.Array.IndexOf(GradGuardNames, name) >= 0);

    /// <summary>The names of the method and local functions around a node (or that it declares), innermost first.</summary>
    private static ImmutableArray<string> EnclosingMethodNames(SyntaxNode node)
    {
        // By kind (an int), not by type tests, and up to the method or constructor only (no function encloses one):
        // asked of every call of the names followed to a fixed point. Most nodes have one such name.
        string? innermost = null;
        ImmutableArray<string>.Builder? names = null;
        for (var ancestor = node; ancestor is not null; ancestor = ancestor.Parent)
        {
            string name;
            switch ((SyntaxKind)ancestor.RawKind)
            {
                case SyntaxKind.LocalFunctionStatement:
                    name = ((LocalFunctionStatementSyntax)ancestor).Identifier.ValueText;
                    break;
                case SyntaxKind.MethodDeclaration:
                    name = ((MethodDeclarationSyntax)ancestor).Identifier.ValueText;
                    break;
                case SyntaxKind.ConstructorDeclaration:
                    name = ((ConstructorDeclarationSyntax)ancestor).Identifier.ValueText; // constructions are indexed by the type's name
                    break;
                default:
                    continue;
            }

            if (innermost is null)
                innermost = name;
            else
                (names ??= ImmutableArray.CreateBuilder<string>()).Add(name);
            if (ancestor.RawKind != (int)SyntaxKind.LocalFunctionStatement)
                break;
        }

        if (innermost is null)
            return ImmutableArray<string>.Empty;
        if (names is null)
            return ImmutableArray.Create(innermost);
        names.Insert(0, innermost);
        return names.ToImmutable();
    }

    private bool IsGradGuard(IOperation resource) =>
        resource.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i =>
            i.TargetMethod.Name is "no_grad" or "inference_mode" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, Symbols.Torch) ||
            i.TargetMethod.Name is "set_grad_enabled" or "enable_grad" && i.Arguments.FirstOrDefault()?.Value.ConstantValue is { HasValue: true, Value: false });
}
