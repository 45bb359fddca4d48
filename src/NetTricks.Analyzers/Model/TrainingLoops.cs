using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>The training-relevant calls a loop iteration (or a method) makes.</summary>
internal enum StepEventKind
{
    Backward,
    OptimizerStep,
    ZeroGrad,
    Clip,
    CheckedClip,
    SchedulerStep,
    ModelCall,
    DisposeScope,

    /// <summary><c>model.eval()</c> or <c>model.train(false)</c>.</summary>
    EvalMode,

    /// <summary><c>model.train()</c>.</summary>
    TrainMode,
}

/// <summary>One such call; <see cref="ViaCall"/> when it happens in a helper the loop calls.</summary>
internal sealed record StepEvent(StepEventKind Kind, IInvocationOperation Invocation, bool ViaCall);

/// <summary>What one iteration of a loop does, directly and through the source methods it calls.</summary>
internal sealed class LoopFacts
{
    public LoopFacts(ILoopOperation loop, ImmutableArray<StepEvent> events, bool hasConditionalBreak)
    {
        Loop = loop;
        Events = events;
        HasConditionalBreak = hasConditionalBreak;
    }

    public ILoopOperation Loop { get; }

    public ImmutableArray<StepEvent> Events { get; }

    /// <summary>A <c>break</c> under a condition: the usual shape of early stopping.</summary>
    public bool HasConditionalBreak { get; }

    /// <summary>A training loop: its iteration runs <c>backward()</c>.</summary>
    public bool IsTraining => Has(StepEventKind.Backward);

    public bool Has(StepEventKind kind) => Events.Any(e => e.Kind == kind);

    public bool HasClipping => Has(StepEventKind.Clip) || Has(StepEventKind.CheckedClip);
}

/// <summary>What a loop's body holds that the loop facts and rules look for, found in one walk.</summary>
internal sealed class LoopBodyContents
{
    public LoopBodyContents(ImmutableArray<IInvocationOperation> invocations, ImmutableArray<IBranchOperation> branches) =>
        (Invocations, Branches) = (invocations, branches);

    /// <summary>Every invocation under the body (nested loops and lambdas included), in source walk order.</summary>
    public ImmutableArray<IInvocationOperation> Invocations { get; }

    /// <summary>Every break, continue and goto under the body.</summary>
    public ImmutableArray<IBranchOperation> Branches { get; }
}

internal sealed partial class TrainingCodeModel
{
    private const int MaxCallDepth = 3;
    private readonly ConcurrentDictionary<SyntaxNode, LoopFacts> _loops = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1));
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<StepEvent>> _methodEvents = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.5), SymbolEqualityComparer.Default);

    [ThreadStatic]
    private static HashSet<IMethodSymbol>? s_methodsInProgress;

    private readonly Fact<ImmutableArray<IInvocationOperation>> _optimizerSteps = new();

    /// <summary>Every <c>optimizer.step()</c> call in the compilation, bound once on first need.</summary>
    public ImmutableArray<IInvocationOperation> OptimizerSteps(CancellationToken cancellationToken) =>
        _optimizerSteps.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeOptimizerSteps(s.CancellationToken));

    private ImmutableArray<IInvocationOperation> ComputeOptimizerSteps(CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<IInvocationOperation>();
        foreach (var node in Index.CallsNamed("step"))
        {
            if (GetOperation(node, cancellationToken) is IInvocationOperation step && Classify(step) == StepEventKind.OptimizerStep)
                builder.Add(step);
        }

        return builder.ToImmutable();
    }

    private readonly Fact<Dictionary<ISymbol, ImmutableArray<IInvocationOperation>>> _optimizerStepsByOptimizer = new();

    /// <summary>
    /// The <c>optimizer.step()</c> calls whose receiver is that variable (local, field, parameter), grouped once:
    /// rules ask it for every optimizer they see, and scanning every step of the compilation each time is quadratic.
    /// </summary>
    public ImmutableArray<IInvocationOperation> OptimizerStepsOf(ISymbol optimizer, CancellationToken cancellationToken)
    {
        var grouped = _optimizerStepsByOptimizer.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.OptimizerSteps(s.CancellationToken)
            .Where(step => ReferencedSymbol(ReceiverOf(step)!) is not null)
            .GroupBy(step => ReferencedSymbol(ReceiverOf(step)!)!, SymbolEqualityComparer.Default)
            .ToDictionary(group => group.Key, group => group.ToImmutableArray(), SymbolEqualityComparer.Default));
        return grouped.TryGetValue(optimizer, out var found) ? found : ImmutableArray<IInvocationOperation>.Empty;
    }

    /// <summary>Classifies a call as a training step event, or null.</summary>
    public StepEventKind? Classify(IInvocationOperation invocation) =>
        _classified.GetOrCompute(invocation, this, static (call, model) => model.ComputeClassify(call));

    // Each walk over a body (loop facts, method events, value flow) classifies the same calls again: remembered.
    private readonly ConcurrentDictionary<IInvocationOperation, StepEventKind?> _classified = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 8));

    private StepEventKind? ComputeClassify(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var receiver = ReceiverOf(invocation);
        switch (method.Name)
        {
            case "backward" when Symbols.IsTorchSharpType(method.ContainingType):
                return StepEventKind.Backward;
            case "step" when Symbols.IsOptimizer(receiver?.Type):
                return StepEventKind.OptimizerStep;
            case "step" when Symbols.IsScheduler(receiver?.Type):
                return StepEventKind.SchedulerStep;
            case "zero_grad" when Symbols.IsOptimizer(receiver?.Type) || Symbols.IsModule(receiver?.Type):
                return StepEventKind.ZeroGrad;
            case "clip_grad_norm_" or "clip_grad_value_" when Symbols.IsTorchSharpType(method.ContainingType):
                return StepEventKind.Clip;
            case "ClipGradNorm" or "ClipGradValue" when Symbols.IsRuntimeType(method.ContainingType, Symbols.RuntimeCheckedClipping) || method.ContainingType.Name == "GradientClipper":
                return StepEventKind.CheckedClip;
            case "NewDisposeScope" when Symbols.IsTorchSharpType(method.ContainingType):
                return StepEventKind.DisposeScope;
            case "eval" when Symbols.IsModule(receiver?.Type) && method.Parameters.Length == 0:
                return StepEventKind.EvalMode;
            case "train" when Symbols.IsModule(receiver?.Type) && Symbols.IsTorchSharpType(method.ContainingType):
                var mode = invocation.Arguments.FirstOrDefault(a => a.ArgumentKind == ArgumentKind.Explicit);
                return mode?.Value.ConstantValue is { HasValue: true, Value: false } ? StepEventKind.EvalMode : StepEventKind.TrainMode;
            case "forward" or "call" when Symbols.IsModule(receiver?.Type) && !Symbols.IsLossModule(receiver?.Type):
                return StepEventKind.ModelCall;
            default:
                return null;
        }
    }

    /// <summary>The facts of a loop, memoised by its syntax.</summary>
    public LoopFacts FactsOf(ILoopOperation loop, CancellationToken cancellationToken) =>
        _loops.GetOrCompute(loop.Syntax, (Model: this, Loop: loop, CancellationToken: cancellationToken), static (_, s) =>
        {
            var contents = s.Model.ContentsOf(s.Loop);
            var events = ImmutableArray.CreateBuilder<StepEvent>();
            s.Model.CollectEvents(contents.Invocations, events, viaCall: false, s.CancellationToken);
            var hasConditionalBreak = contents.Branches.Any(b =>
                b.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(b.Target, s.Loop.ExitLabel) &&
                IsUnderCondition(b, s.Loop));
            return new LoopFacts(s.Loop, events.ToImmutable(), hasConditionalBreak);
        });

    /// <summary>
    /// The invocations (the body itself included when it is one) and the branches under a loop's body, from the
    /// contents of its tree (<see cref="OperationTreeContents"/>) and remembered: the loop's facts, its own
    /// iteration's events and the rules read the same body.
    /// </summary>
    public LoopBodyContents ContentsOf(ILoopOperation loop) =>
        _loopBodies.GetOrCompute(loop.Syntax, loop, static (_, loop) =>
        {
            var invocations = ImmutableArray.CreateBuilder<IInvocationOperation>();
            var branches = ImmutableArray.CreateBuilder<IBranchOperation>();
            foreach (var operation in OperationTreeContents.Of(loop).Kept(loop.Body))
            {
                if (operation.Kind == OperationKind.Invocation)
                    invocations.Add((IInvocationOperation)operation);
                else if (operation.Kind == OperationKind.Branch && !ReferenceEquals(operation, loop.Body))
                    branches.Add((IBranchOperation)operation);
            }

            return new LoopBodyContents(invocations.ToImmutable(), branches.ToImmutable());
        });

    private readonly ConcurrentDictionary<SyntaxNode, LoopBodyContents> _loopBodies = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1));

    private static bool IsUnderCondition(IOperation operation, IOperation stop)
    {
        for (var p = operation.Parent; p is not null && !ReferenceEquals(p, stop); p = p.Parent)
        {
            if (p.Kind == OperationKind.Conditional) // by kind: no interface test per ancestor
                return true;
        }

        return false;
    }

    /// <summary>
    /// The events of one iteration that are not inside a nested loop: what the loop itself does per iteration
    /// (directly, or through helpers it calls outside its inner loops).
    /// </summary>
    public ImmutableArray<StepEvent> OwnIterationEvents(ILoopOperation loop, CancellationToken cancellationToken) =>
        _ownIterationEvents.GetOrCompute(loop.Syntax, (Model: this, Loop: loop, CancellationToken: cancellationToken), static (_, s) => s.Model.ComputeOwnIterationEvents(s.Loop, s.CancellationToken));

    private readonly ConcurrentDictionary<SyntaxNode, ImmutableArray<StepEvent>> _ownIterationEvents = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1));

    private ImmutableArray<StepEvent> ComputeOwnIterationEvents(ILoopOperation loop, CancellationToken cancellationToken)
    {
        var events = ImmutableArray.CreateBuilder<StepEvent>();
        foreach (var invocation in ContentsOf(loop).Invocations)
        {
            if (IsInNestedLoop(invocation, loop))
                continue;
            var kind = Classify(invocation);
            if (kind is not null)
            {
                events.Add(new StepEvent(kind.Value, invocation, ViaCall: false));
            }
            else if (IsSourceMethod(invocation.TargetMethod) && !Symbols.IsModule(invocation.TargetMethod.ContainingType))
            {
                foreach (var e in EventsOf(invocation.TargetMethod, cancellationToken))
                    events.Add(e with { ViaCall = true, Invocation = invocation });
            }
        }

        return events.ToImmutable();
    }

    private static bool IsInNestedLoop(IOperation operation, ILoopOperation loop)
    {
        for (var p = operation.Parent; p is not null && !ReferenceEquals(p, loop); p = p.Parent)
        {
            if (p.Kind is OperationKind.Loop or OperationKind.AnonymousFunction or OperationKind.LocalFunction) // by kind, as above
                return true;
        }

        return false;
    }

    /// <summary>The events of a source method body, through the methods it calls (bounded), memoised.</summary>
    public ImmutableArray<StepEvent> EventsOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (_methodEvents.TryGetValue(method, out var cached))
            return cached;
        var inProgress = s_methodsInProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (inProgress.Count >= MaxCallDepth || !inProgress.Add(method))
            return ImmutableArray<StepEvent>.Empty;
        try
        {
            var events = ImmutableArray.CreateBuilder<StepEvent>();
            if (GetBody(method, cancellationToken) is { } body)
                CollectEvents(OperationTreeContents.Of(body).OfKind<IInvocationOperation>(body, OperationKind.Invocation), events, viaCall: true, cancellationToken);
            var result = events.ToImmutable();
            return inProgress.Count == 1 ? _methodEvents.GetOrAdd(method, result) : result;
        }
        finally
        {
            inProgress.Remove(method);
        }
    }

    private void CollectEvents(IEnumerable<IInvocationOperation> invocations, ImmutableArray<StepEvent>.Builder events, bool viaCall, CancellationToken cancellationToken)
    {
        foreach (var invocation in invocations)
        {
            var kind = Classify(invocation);
            if (kind is not null)
            {
                events.Add(new StepEvent(kind.Value, invocation, viaCall));
                continue;
            }

            var method = invocation.TargetMethod;
            if (IsSourceMethod(method) && !Symbols.IsModule(method.ContainingType))
            {
                foreach (var e in EventsOf(method, cancellationToken))
                    events.Add(e with { ViaCall = true });
            }
        }
    }

    /// <summary>
    /// The loops that run an operation, innermost first, one chain per way of reaching it: the loops around it
    /// in its method, then (up to three calls out) the loops around each call of that method. Loops inside a
    /// module's <c>forward</c> (time-step unrolling) are never training loops, so they are skipped.
    /// </summary>
    public ImmutableArray<ImmutableArray<ILoopOperation>> LoopsRunning(IOperation operation, CancellationToken cancellationToken)
    {
        var chains = ImmutableArray.CreateBuilder<ImmutableArray<ILoopOperation>>();
        Walk(operation, ImmutableArray<ILoopOperation>.Empty, 0);
        return chains.ToImmutable();

        void Walk(IOperation op, ImmutableArray<ILoopOperation> inner, int hops)
        {
            var loops = inner.ToBuilder();
            IOperation? p;
            for (p = op.Parent; p is not null; p = p.Parent)
            {
                // By kind (a virtual property), not by interface tests: every ancestor of every operation asked about.
                if (p.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction)
                {
                    if (loops.Count > 0)
                        chains.Add(loops.ToImmutable());
                    return; // delegates run when someone invokes them: not followed
                }

                if (p.Kind == OperationKind.Loop)
                    loops.Add((ILoopOperation)p);
            }

            // Loops around the operation in its own method answer the question; only a loop-free helper
            // (TrainStep, Backpropagate) sends us to its callers.
            var method = loops.Count > inner.Length ? null : EnclosingMethod(op, cancellationToken);
            var callers = method is null || hops >= MaxCallDepth || IsModuleForward(method)
                ? ImmutableArray<IOperation>.Empty
                : CallSites(method, cancellationToken);
            if (callers.IsEmpty)
            {
                if (loops.Count > 0)
                    chains.Add(loops.ToImmutable());
                return;
            }

            foreach (var call in callers)
                Walk(call, loops.ToImmutable(), hops + 1);
        }
    }

    public IMethodSymbol? EnclosingMethod(IOperation operation, CancellationToken cancellationToken)
    {
        if (operation.SemanticModel is not { } semanticModel)
            return null;

        // Every position strictly inside one function (outside its lambdas and local functions) has the same enclosing
        // symbol: ask once per function. All top-level statements are in the one entry point: one question per file.
        var function = InnermostFunction(operation.Syntax);
        if (function is null)
            return semanticModel.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken) as IMethodSymbol;
        var key = function is GlobalStatementSyntax { Parent: { } unit } ? unit : function;
        if (_enclosingMethods.TryGetValue(key, out var known))
            return known;
        // In the body of a method, local function or accessor, that function is the enclosing symbol: its declared
        // symbol is a look-up, where GetEnclosingSymbol builds the binders for the position.
        var method = DeclarationWithBody(function, operation.Syntax) is { } declaration
            ? semanticModel.GetDeclaredSymbol(declaration, cancellationToken) as IMethodSymbol
            : semanticModel.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken) as IMethodSymbol;
        return _enclosingMethods.GetOrAdd(key, method);
    }

    /// <summary>The method, local function or accessor whose body (block or arrow) holds the node, when that is the function; else null.</summary>
    private static SyntaxNode? DeclarationWithBody(SyntaxNode function, SyntaxNode node)
    {
        var (declaration, body) = function switch
        {
            BaseMethodDeclarationSyntax method => (function, (SyntaxNode?)method.Body),
            LocalFunctionStatementSyntax local => (function, local.Body),
            AccessorDeclarationSyntax accessor => (function, accessor.Body),
            ArrowExpressionClauseSyntax { Parent: BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax } arrow => (arrow.Parent, arrow),
            _ => (null, null),
        };
        return body is not null && body.Span.Contains(node.Span) ? declaration : null;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, IMethodSymbol?> _enclosingMethods = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.5));

    /// <summary>The innermost function-like node above a node (see <see cref="IsFunctionLike"/>), or null.</summary>
    private static SyntaxNode? InnermostFunction(SyntaxNode node)
    {
        var function = node.Parent;
        while (function is not null && !IsFunctionLike(function))
            function = function.Parent;
        return function;
    }

    // A local's initializer is not a function of its own (the method around it is); a field's, a property's or a
    // parameter's default value is.
    // By kind (a jump table) rather than by type: every question about an operation's method climbs its ancestors
    // through this, and a chain of type tests per ancestor showed in profiles.
    private static bool IsFunctionLike(SyntaxNode node) => (SyntaxKind)node.RawKind switch
    {
        SyntaxKind.SimpleLambdaExpression or SyntaxKind.ParenthesizedLambdaExpression or SyntaxKind.AnonymousMethodExpression
            or SyntaxKind.LocalFunctionStatement
            or SyntaxKind.MethodDeclaration or SyntaxKind.ConstructorDeclaration or SyntaxKind.DestructorDeclaration
            or SyntaxKind.OperatorDeclaration or SyntaxKind.ConversionOperatorDeclaration
            or SyntaxKind.GetAccessorDeclaration or SyntaxKind.SetAccessorDeclaration or SyntaxKind.InitAccessorDeclaration
            or SyntaxKind.AddAccessorDeclaration or SyntaxKind.RemoveAccessorDeclaration or SyntaxKind.UnknownAccessorDeclaration
            or SyntaxKind.ArrowExpressionClause or SyntaxKind.GlobalStatement => true,
        SyntaxKind.EqualsValueClause => node.Parent is not VariableDeclaratorSyntax { Parent.Parent: not BaseFieldDeclarationSyntax },
        _ => false,
    };

    /// <summary>
    /// Syntax only: a loop statement encloses the node in its member, lambdas and local functions crossed, as the
    /// operation tree's ancestors of the node hold an <see cref="ILoopOperation"/> exactly then. Lets rules about
    /// calls in loops leave the others out before binding.
    /// </summary>
    public static bool IsInLoopStatement(SyntaxNode node)
    {
        for (var ancestor = node.Parent; ancestor is not null && ancestor is not MemberDeclarationSyntax; ancestor = ancestor.Parent)
        {
            if (ancestor.RawKind is (int)SyntaxKind.ForStatement or (int)SyntaxKind.ForEachStatement or (int)SyntaxKind.ForEachVariableStatement
                or (int)SyntaxKind.WhileStatement or (int)SyntaxKind.DoStatement)
                return true;
        }

        return false;
    }

    /// <summary>A module's forward: loops there unroll time steps, they do not train.</summary>
    public bool IsModuleForward(IMethodSymbol? method) =>
        method is { Name: "forward" } && Symbols.IsModule(method.ContainingType);

    /// <summary>
    /// Whether the operation is in a module's <c>forward</c> (not in a lambda or local function there). Asked by
    /// most loop and call rules: the syntax of the function around the operation settles most cases (a method of
    /// another name) without looking its symbol up.
    /// </summary>
    public bool IsInModuleForward(IOperation operation, CancellationToken cancellationToken) =>
        MayBeInMethodNamedForward(operation.Syntax) && EnclosingMethod(operation, cancellationToken) is { } method && IsModuleForward(method);

    /// <summary>
    /// False when the innermost function around the node (as <see cref="EnclosingMethod"/> finds it) cannot be a
    /// method named <c>forward</c>: another method or local function, a lambda, an accessor, a constructor, an
    /// operator or top-level code. True for <c>forward</c> and for what the syntax does not settle.
    /// </summary>
    private static bool MayBeInMethodNamedForward(SyntaxNode node)
    {
        var function = InnermostFunction(node);
        if (function is { RawKind: (int)SyntaxKind.ArrowExpressionClause, Parent: { } owner })
            function = owner;
        return function switch
        {
            null => true,
            MethodDeclarationSyntax method => method.Identifier.ValueText == "forward",
            LocalFunctionStatementSyntax local => local.Identifier.ValueText == "forward",
            AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax or BasePropertyDeclarationSyntax or ConstructorDeclarationSyntax
                or DestructorDeclarationSyntax or OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax or GlobalStatementSyntax => false,
            _ => true,
        };
    }

    /// <summary>For each chain, the innermost loop whose iteration both runs backward and steps an optimizer.</summary>
    public IEnumerable<LoopFacts> TrainingStepLoops(IOperation operation, CancellationToken cancellationToken)
    {
        foreach (var chain in LoopsRunning(operation, cancellationToken))
        {
            foreach (var loop in chain)
            {
                var facts = FactsOf(loop, cancellationToken);
                if (facts.IsTraining && facts.Has(StepEventKind.OptimizerStep))
                {
                    yield return facts;
                    break;
                }
            }
        }
    }
}
